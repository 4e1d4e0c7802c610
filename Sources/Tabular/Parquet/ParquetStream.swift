#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Parquet file on disk too large to read whole, read a few row groups at a time.
///
/// The file is mapped read-only; a batch of row groups is decoded from the mapping, and its
/// pages are then handed back to the kernel (`MADV_DONTNEED` on a clean file mapping drops
/// them; touched again, they are read again from the file). So memory holds the footer, one
/// batch's compressed pages while it is decoded, and that batch's columns — never the file.
/// A row group is the smallest part of a Parquet file that can be read on its own (a column's
/// pages are not aligned across columns), so a batch is at least one row group.
public final class ParquetStream {
    public let columnNames: [String]
    /// Rows in the whole file, from the footer.
    public let rows: Int
    /// What the file's columns would take read whole, 8 bytes a cell (`Int.max` past Int).
    public var decodedBytes: Int {
        let cells = rows.multipliedReportingOverflow(by: max(1, columnNames.count))
        let bytes = cells.partialValue.multipliedReportingOverflow(by: 8)
        return cells.overflow || bytes.overflow ? .max : bytes.partialValue
    }
    /// Consecutive row groups read together, in file order.
    public let batches: [Range<Int>]

    private let reader: ParquetReader
    private let layout: ParquetReader.Layout
    private let mapping: UnsafeMutableRawPointer
    private let size: Int

    /// - Parameters:
    ///   - batchBytes: the columns a batch may take once read (8 bytes a cell); row groups are
    ///     joined up to it.
    ///   - rowGroupLimit: the most one row group may take once read; a file written with larger
    ///     row groups is an error saying so (a footer may also claim any number of rows).
    public init(path: String, source: String, declared: [String: ColumnKind] = [:], only: Set<String>? = nil,
                batchBytes: Int = 64 << 20, rowGroupLimit: Int) throws(TabularError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .empty(file: source) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .empty(file: source) }
        size = Int(info.st_size)
        guard size >= 12 else { throw .parquet(file: source, reason: "not a Parquet file: it must start and end with PAR1 (is it truncated?)") }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw .parquet(file: source, reason: "it could not be mapped into memory (\(String(cString: strerror(errno))))")
        }
        mapping = mapped
        _ = madvise(mapped, size, MADV_SEQUENTIAL)
        reader = ParquetReader(file: source, declared: declared, only: only, limit: rowGroupLimit)
        do {
            layout = try reader.layout(UnsafeBufferPointer(start: mapped.assumingMemoryBound(to: UInt8.self), count: size))
        } catch {
            munmap(mapped, size)
            throw error
        }
        columnNames = layout.columns.map(\.element.name)
        rows = layout.rows
        let rowBytes = max(1, layout.columns.count).multipliedReportingOverflow(by: 8)
        var batches: [Range<Int>] = []
        var start = 0, bytes = 0
        for (g, group) in layout.groups.enumerated() {
            // A footer may claim any number of rows and columns: a product past Int is past any limit.
            let claimed = Int(group.rows).multipliedReportingOverflow(by: rowBytes.partialValue)
            let groupBytes = rowBytes.overflow || claimed.overflow ? Int.max : claimed.partialValue
            guard groupBytes < Int.max else {
                munmap(mapped, size)
                throw .parquet(file: source, reason: "row group \(g) claims \(group.rows) rows × \(layout.columns.count) columns, more than any memory holds (is the footer damaged?)")
            }
            guard groupBytes <= rowGroupLimit else {
                munmap(mapped, size)
                throw .tooLarge(file: source, reason: "its row group \(g) holds \(group.rows) rows × \(layout.columns.count) columns, more than the \(rowGroupLimit >> 20) MiB this run may use for one; write it with smaller row groups (pyarrow: row_group_size=100_000), or set --memory-limit higher")
            }
            if g > start, bytes > batchBytes - groupBytes {
                batches.append(start..<g)
                (start, bytes) = (g, 0)
            }
            bytes += groupBytes
        }
        if start < layout.groups.count { batches.append(start..<layout.groups.count) }
        self.batches = batches
    }

    deinit { munmap(mapping, size) }

    /// Batch `index` of `batches` as a table, its pages released afterwards.
    public func read(batch index: Int, jobs: Int) throws(TabularError) -> Table {
        defer { _ = madvise(mapping, size, MADV_DONTNEED) }
        return try reader.read(batches[index], of: layout, in: UnsafeBufferPointer(start: mapping.assumingMemoryBound(to: UInt8.self), count: size),
                               jobs: jobs)
    }
}

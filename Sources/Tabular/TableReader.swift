/// Reads a data file's bytes into a table, choosing the format by the file name
/// (`.csv`, `.tsv`, `.jsonl`/`.ndjson`, each optionally `.gz`) and the gzip magic bytes.
public enum TableReader {
    public enum Format: String, Sendable { case csv, tsv, jsonl, parquet }

    /// The format a path names, or nil when it names none mlgate reads.
    public static func format(of path: String) -> Format? {
        var name = path.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        if name.hasSuffix(".csv") || name.hasSuffix(".txt") { return .csv }
        if name.hasSuffix(".tsv") || name.hasSuffix(".tab") { return .tsv }
        if name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") { return .jsonl }
        if name.hasSuffix(".parquet") || name.hasSuffix(".pq") { return path.lowercased().hasSuffix(".gz") ? nil : .parquet }
        return nil
    }

    /// Parses `bytes` read from `path`.
    ///
    /// - Parameters:
    ///   - source: how messages name the file (for example `data/train.csv@a1b2c3d4`).
    ///   - declared: column types that override inference (from `features:` and `schema:`).
    ///   - jobs: threads to parse with; the table is the same for any value.
    /// - Throws: `TabularError` naming the file, line and column of malformed input.
    ///   - inflateLimit: the most a gzip file may inflate to (the run's memory budget).
    public static func read(_ bytes: [UInt8], path: String, source: String? = nil,
                            declared: [String: ColumnKind] = [:], jobs: Int = 1, inflateLimit: Int = Int.max) throws(TabularError) -> Table {
        try bytes.withUnsafeBufferPointer { buffer throws(TabularError) in
            try read(buffer, path: path, source: source, declared: declared, jobs: jobs, inflateLimit: inflateLimit)
        }
    }

    /// Parses bytes the caller owns (a memory-mapped file, a git blob) without copying them.
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>, path: String, source: String? = nil,
                            declared: [String: ColumnKind] = [:], jobs: Int = 1, inflateLimit: Int = Int.max) throws(TabularError) -> Table {
        let name = source ?? path
        guard let format = format(of: path) else { throw .unsupportedFormat(file: name) }
        if format == .parquet {
            // Compressed page by page inside; the columns are typed, so declared types only
            // turn numbers into text or text into numbers.
            return try ParquetReader(file: name, declared: declared, limit: inflateLimit).read(bytes, jobs: jobs)
        }
        if path.lowercased().hasSuffix(".gz") || Gzip.isCompressed(bytes) {
            guard Gzip.isCompressed(bytes) else { throw .notGzip(file: name, reason: "no gzip header") }
            let content = try Gzip.decompress(Array(bytes), file: name, limit: inflateLimit)
            return try content.withUnsafeBufferPointer { buffer throws(TabularError) in
                try parse(buffer, format: format, name: name, declared: declared, jobs: jobs)
            }
        }
        return try parse(bytes, format: format, name: name, declared: declared, jobs: jobs)
    }

    /// What the bytes look like when that is not what the name says; nil when they fit.
    static func sniff(_ bytes: UnsafeBufferPointer<UInt8>, from first: Int, format: Format) -> String? {
        let head = UnsafeBufferPointer(rebasing: bytes[0..<min(bytes.count, 4096)])
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "this is a ZIP archive (an Excel workbook?), not \(format.rawValue); export it as CSV" }
        if head.starts(with: Array("PAR1".utf8)) { return "this is a Parquet file, not \(format.rawValue); name it .parquet" }
        if head.contains(0) { return "binary data, not a \(format.rawValue) text file" }
        let opening = bytes[first]
        let firstLine = head[first...].prefix { $0 != 0x0A }
        switch format {
        case .csv, .tsv:
            if opening == UInt8(ascii: "{") || opening == UInt8(ascii: "[") {
                return "this looks like JSON, not \(format.rawValue); name JSON Lines files .jsonl"
            }
            let tabs = firstLine.contains(0x09), commas = firstLine.contains(UInt8(ascii: ","))
            if format == .tsv, !tabs, commas { return "the header has commas but no tab: this looks like CSV; name it .csv" }
            if format == .csv, tabs, !commas { return "the header has tabs but no comma: this looks like TSV; name it .tsv" }
        case .jsonl:
            if opening != UInt8(ascii: "{") {
                return "a JSON Lines file has one {…} object a line, and this one starts with '\(Character(Unicode.Scalar(opening)))'; is it CSV?"
            }
        case .parquet:
            return nil
        }
        return nil
    }

    private static func parse(_ buffer: UnsafeBufferPointer<UInt8>, format: Format, name: String,
                              declared: [String: ColumnKind], jobs: Int) throws(TabularError) -> Table {
        guard let first = buffer.firstIndex(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
            throw .empty(file: name)
        }
        if let found = sniff(buffer, from: first, format: format) { throw .wrongFormat(file: name, found: found) }
        switch format {
        case .csv: return try DelimitedReader(file: name, delimiter: UInt8(ascii: ","), declared: declared).read(buffer, jobs: jobs)
        case .tsv: return try DelimitedReader(file: name, delimiter: 0x09, declared: declared).read(buffer, jobs: jobs)
        case .jsonl: return try JSONLinesReader(file: name, declared: declared).read(buffer)
        case .parquet: return try ParquetReader(file: name, declared: declared).read(buffer, jobs: jobs)
        }
    }
}

extension TableReader {
    /// Parses CSV or TSV in chunks of `chunkSize` bytes, so that the fuzzer can hold a file cut
    /// into tiny chunks on several threads to the table one chunk gives.
    @_spi(Chunking)
    public static func readDelimited(_ bytes: UnsafeBufferPointer<UInt8>, format: Format, chunkSize: Int,
                                     jobs: Int) throws(TabularError) -> Table {
        var reader = DelimitedReader(file: "fuzz.\(format.rawValue)", delimiter: format == .tsv ? 0x09 : UInt8(ascii: ","),
                                     declared: [:])
        reader.chunkSize = chunkSize
        return try reader.read(bytes, jobs: jobs)
    }
}

/// Reads a Parquet file into the same typed columns the CSV reader makes: numbers (integers,
/// floats, decimals) as numeric columns, booleans as boolean, strings, enums, dates, times and
/// timestamps as categorical text (dates `2024-01-31`, timestamps `2024-01-31 12:00:00.5`, as a
/// CSV export writes them), missing values from the definition levels (and, as in a CSV, an
/// empty or `NA`-like string). Declared types win as they do for CSV: a number column declared
/// categorical is read as text, a string column declared numeric is parsed (what does not parse
/// is counted invalid).
///
/// Flat schemas only: a list, map or struct column is an error naming it. Column chunks are
/// decoded in parallel (each row group × column is one task); a column's row groups are then
/// joined in order, with categories numbered in first-seen row order, as the CSV reader does.
public struct ParquetReader {
    public let file: String
    public let declared: [String: ColumnKind]
    /// Only these columns (nil: every column).
    public let only: Set<String>?

    /// The most memory the file's values may take once read (8 bytes a cell): a footer can
    /// claim a billion rows that RLE pages hold in a few bytes, and a page header any size.
    public let limit: Int

    public init(file: String, declared: [String: ColumnKind] = [:], only: Set<String>? = nil, limit: Int = Int.max) {
        self.file = file
        self.declared = declared
        self.only = only
        self.limit = limit
    }

    static let magic: [UInt8] = Array("PAR1".utf8)

    /// Whether `bytes` start like a Parquet file.
    public static func isParquet(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count >= 4 && Array(bytes[0..<4]) == magic
    }

    public func read(_ bytes: UnsafeBufferPointer<UInt8>, jobs: Int = 1) throws(TabularError) -> Table {
        let layout = try self.layout(bytes)
        let cells = layout.rows.multipliedReportingOverflow(by: max(1, layout.columns.count) * 8)
        guard !cells.overflow, cells.partialValue <= limit else {
            throw .tooLarge(file: file, reason: "its \(layout.rows) rows × \(layout.columns.count) columns would take more than the \(limit >> 20) MiB this run may use for it; set --memory-limit higher, or sample the data")
        }
        return try read(layout.groups.indices, of: layout, in: bytes, jobs: jobs)
    }

    /// What the footer says: the columns to read (flat, checked for duplicates) and the row groups.
    struct Layout {
        let columns: [Leaf]
        let groups: [Parquet.RowGroup]
        /// Rows in all row groups.
        let rows: Int
    }

    func layout(_ bytes: UnsafeBufferPointer<UInt8>) throws(TabularError) -> Layout {
        try layout(footer(bytes))
    }

    func layout(_ meta: Parquet.FileMetadata) throws(TabularError) -> Layout {
        let leaves = try flatColumns(meta.schema)
        var chosen = leaves.flat.filter { only?.contains($0.element.name) ?? true }
        if let only {
            // A column the caller needs that is not a flat leaf: say which, and why.
            for name in only.sorted() where !chosen.contains(where: { $0.element.name == name }) {
                if let nested = leaves.nestedNames.first(where: { $0 == name }) {
                    throw .parquet(file: file, reason: "column '\(nested)' is nested (a list, map or struct); mlgate reads flat columns: flatten it into columns of its own")
                }
            }
            chosen = chosen.filter { only.contains($0.element.name) }
        } else if let nested = leaves.nestedNames.first {
            throw .parquet(file: file, reason: "column '\(nested)' is nested (a list, map or struct); mlgate reads flat columns: flatten it into columns of its own")
        }
        var seen = Set<String>()
        for column in chosen where !seen.insert(column.element.name).inserted { throw .duplicateColumn(file: file, name: column.element.name) }

        var claimed = 0
        for (g, group) in meta.rowGroups.enumerated() {
            guard group.columns.count == leaves.total else {
                throw .parquet(file: file, reason: "row group \(g) has \(group.columns.count) column chunks for \(leaves.total) columns")
            }
            guard group.rows >= 0, group.rows <= Int64(Int32.max) else { throw .parquet(file: file, reason: "row group \(g) claims \(group.rows) rows") }
            claimed += Int(group.rows)
        }
        return Layout(columns: chosen, groups: meta.rowGroups, rows: claimed)
    }

    /// The row groups `range` of the file as one table (a streamed file is read a few row
    /// groups at a time). Each row group × column is one task on `jobs` threads.
    func read(_ range: Range<Int>, of layout: Layout, in bytes: UnsafeBufferPointer<UInt8>, jobs: Int) throws(TabularError) -> Table {
        let groups = Array(layout.groups[range]), chosen = layout.columns
        let tasks = groups.indices.flatMap { g in chosen.indices.map { (g, $0) } }
        // Every task only reads the file's bytes.
        let file = self.file, declared = self.declared, limit = self.limit, shared = SharedBuffer(UnsafeMutableBufferPointer(mutating: bytes))
        let decoded: [Result<ChunkValues, TabularError>] = Parallel.map(tasks.count, jobs: jobs) { t in
            let (g, c) = tasks[t]
            let column = chosen[c]
            let chunk = groups[g].columns[column.leaf]
            let target = Target(column.element, declared: declared[column.element.name])
            let decoder = ChunkDecoder(file: file, bytes: UnsafeBufferPointer(shared.buffer), chunk: chunk, element: column.element, target: target,
                                       rows: Int(groups[g].rows), limit: limit)
            return Result { () throws(ParquetDecoding.Malformed) in try decoder.decode() }.mapError { error in
                .parquet(file: file, reason: "column '\(column.element.name)', row group \(range.lowerBound + g): \(error.reason)")
            }
        }
        var rowCount = 0, before = 0
        for group in groups { rowCount += Int(group.rows) }
        for group in layout.groups[..<range.lowerBound] { before += Int(group.rows) }
        var columns: [Column] = []
        for (c, column) in chosen.enumerated() {
            var parts: [ChunkValues] = []
            for g in groups.indices { parts.append(try decoded[g * chosen.count + c].get()) }
            columns.append(try join(parts, element: column.element, target: Target(column.element, declared: declared[column.element.name]),
                                    rows: rowCount, before: before))
        }
        return Table(source: file, columns: columns, rowCount: rowCount)
    }

    // MARK: Footer and schema

    private func footer(_ bytes: UnsafeBufferPointer<UInt8>) throws(TabularError) -> Parquet.FileMetadata {
        guard bytes.count >= 12, Array(bytes[0..<4]) == Self.magic, Array(bytes[(bytes.count - 4)...]) == Self.magic else {
            throw .parquet(file: file, reason: "not a Parquet file: it must start and end with PAR1 (is it truncated?)")
        }
        let end = bytes.count - 8
        let length = Int(bytes[end]) | Int(bytes[end + 1]) << 8 | Int(bytes[end + 2]) << 16 | Int(bytes[end + 3]) << 24
        guard length > 0, length <= end - 4 else {
            throw .parquet(file: file, reason: "the footer claims \(length) bytes, more than the file holds (is it truncated?)")
        }
        var reader = ThriftCompact(UnsafeBufferPointer(rebasing: bytes[(end - length)..<end]))
        do {
            return try Parquet.fileMetadata(&reader)
        } catch {
            throw .parquet(file: file, reason: "the footer is damaged: \(error.reason)")
        }
    }

    struct Leaf {
        let element: Parquet.SchemaElement
        /// Its index among all leaf columns: the column chunk's position in each row group.
        let leaf: Int
    }

    /// The flat top-level columns with their leaf index, and the names of nested ones.
    private func flatColumns(_ schema: [Parquet.SchemaElement]) throws(TabularError) -> (flat: [Leaf], nestedNames: [String], total: Int) {
        guard let root = schema.first else { throw .parquet(file: file, reason: "the footer has no schema") }
        var flat: [Leaf] = [], nested: [String] = []
        var index = 1, leaf = 0
        // Passes over one field and its descendants (depth first, as the schema lists them),
        // counting the leaves it holds; a loop, so that no nesting can exhaust the stack.
        func walk() throws(TabularError) -> Int {
            var pending = 1, leaves = 0
            while pending > 0 {
                guard index < schema.count else { throw .parquet(file: file, reason: "the schema lists fewer fields than its groups claim") }
                let element = schema[index]
                index += 1
                pending -= 1
                if element.children > 0 { pending += Int(element.children) } else { leaves += 1 }
            }
            return leaves
        }
        for _ in 0..<max(0, root.children) {
            guard index < schema.count else { throw .parquet(file: file, reason: "the schema lists fewer fields than its root claims") }
            let element = schema[index]
            let isNested: Bool = if case .nested = element.meaning { true } else { false }
            if element.children == 0 && element.repetition != .repeated && !isNested {
                guard element.type != nil else { throw .parquet(file: file, reason: "column '\(element.name)' has no physical type") }
                flat.append(Leaf(element: element, leaf: leaf))
                index += 1
                leaf += 1
            } else {
                nested.append(element.name)
                leaf += try walk()
            }
        }
        return (flat, nested, leaf)
    }

    // MARK: Joining row groups

    /// - Parameter before: rows in the file before these parts, so that a value that broke a
    ///   declared type is named by its row in the file (as a CSV line: header + 1-based row).
    private func join(_ parts: [ChunkValues], element: Parquet.SchemaElement, target: Target, rows: Int, before: Int) throws(TabularError) -> Column {
        var nulls = 0, invalid = 0
        var firstInvalid: (value: String, line: Int)?
        var offset = 0
        for part in parts {
            nulls += part.nulls
            invalid += part.invalid
            if firstInvalid == nil, let first = part.firstInvalid { firstInvalid = (first.value, first.row + before + offset + 2) }
            offset += part.count
        }
        guard offset == rows else { throw .parquet(file: file, reason: "column '\(element.name)' holds \(offset) values for \(rows) rows") }
        switch target.kind {
        case .text:
            // Levels numbered in first-seen row order across the row groups, as a CSV's are.
            var global = ByteInterner()
            var codes = [Int32]()
            codes.reserveCapacity(rows)
            for part in parts {
                guard case .text(let local, let localCodes) = part.values else { continue }
                var map = [Int32](repeating: -1, count: local.count)
                var levelBytes: [(Int, Int)] = []
                var arena: [UInt8] = []
                local.forEachLevel { p, n in
                    levelBytes.append((arena.count, n))
                    arena.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
                }
                for code in localCodes {
                    guard code >= 0 else { codes.append(-1); continue }
                    var mapped = map[Int(code)]
                    if mapped < 0 {
                        let (start, n) = levelBytes[Int(code)]
                        mapped = arena.withUnsafeBufferPointer { global.intern($0.baseAddress! + start, n) }
                        map[Int(code)] = mapped
                    }
                    codes.append(mapped)
                }
            }
            var invalidUTF8: String?
            global.forEachLevel { p, n in
                if invalidUTF8 == nil, UTF8Validation.firstInvalidOffset(UnsafeBufferPointer(start: p, count: n)) != nil {
                    invalidUTF8 = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
                }
            }
            if let invalidUTF8 { throw .parquet(file: file, reason: "column '\(element.name)' holds text that is not UTF-8 ('\(invalidUTF8)')") }
            return Column(name: element.name, kind: .categorical, storage: .categorical(codes: codes, levels: global.levels()), nullCount: nulls,
                          invalidCount: invalid, firstInvalid: firstInvalid)
        case .numeric, .boolean:
            var values = [Double]()
            if parts.count == 1, case .numbers(let only) = parts[0].values {
                values = only   // one row group: its array is the column's, no copy
            } else {
                values.reserveCapacity(rows)
                for part in parts { if case .numbers(let v) = part.values { values += v } }
            }
            return Column(name: element.name, kind: target.kind == .boolean ? .boolean : .numeric, storage: .numeric(values), nullCount: nulls,
                          invalidCount: invalid, firstInvalid: firstInvalid)
        }
    }
}

/// What a column becomes: numbers, booleans or text, and how its physical values read as such.
struct Target {
    enum Kind { case numeric, boolean, text }
    let kind: Kind
    let physical: Parquet.PhysicalType
    let meaning: Parquet.Meaning
    let typeLength: Int

    init(_ element: Parquet.SchemaElement, declared: ColumnKind?) {
        physical = element.type ?? .byteArray
        meaning = element.meaning
        typeLength = Int(element.typeLength)
        let natural: Kind = switch (physical, meaning) {
        case (.boolean, _): .boolean
        case (_, .date), (_, .timestamp), (_, .time), (_, .string), (_, .enumeration), (_, .json), (_, .uuid): .text
        case (.int96, _): .text
        case (.int32, _), (.int64, _), (.float, _), (.double, _): .numeric
        case (_, .decimal), (_, .float16): .numeric
        default: .text
        }
        switch declared {
        case .categorical?: kind = .text
        case .numeric?: kind = natural == .boolean ? .boolean : .numeric
        default: kind = natural
        }
    }
}

/// One column chunk's values: numbers (NaN for missing), or text codes into a chunk-local
/// interner (-1 for missing).
struct ChunkValues {
    enum Values {
        case numbers([Double])
        case text(ByteInterner, [Int32])
    }

    var values: Values
    var nulls = 0
    var invalid = 0
    var firstInvalid: (value: String, row: Int)?

    var count: Int {
        switch values {
        case .numbers(let v): v.count
        case .text(_, let codes): codes.count
        }
    }
}


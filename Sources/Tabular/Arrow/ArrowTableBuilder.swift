/// Arrow IPC streams appended, one as it arrives, to the columns of a `Table`: numbers as
/// doubles (NaN for missing), booleans as 0/1, text as categorical codes in first-seen order,
/// as the readers of files build them.
///
/// Why not decode the whole result and convert it: a result held as Arrow's optional values
/// (16 bytes a number) and again joined from its batches costs four times the table it becomes;
/// built batch by batch, a sample's rows are held once, as the table, plus one batch.
public struct ArrowTableBuilder: Sendable {
    /// One column's values so far, mutated in place (stored arrays, not enum payloads, so that
    /// appending never copies what is already there).
    private struct ColumnBuilder: Sendable {
        enum Kind { case numeric, boolean, categorical, skipped }
        let name: String
        let kind: Kind
        var numbers: [Double] = []
        var codes: [Int32] = []
        var levels: [String] = []
        var index: [String: Int32] = [:]
        var nulls = 0

        init(name: String, values: ArrowStream.Values) {
            self.name = name
            kind = switch values {
            case .doubles, .integers: .numeric
            case .booleans: .boolean
            case .strings: .categorical
            // A type a table cannot hold (a list) is left out, as the readers of files do.
            case .lists: .skipped
            }
        }

        mutating func append(_ values: ArrowStream.Values) throws(ArrowError) {
            switch (kind, values) {
            case (.numeric, .doubles(let v)):
                numbers.reserveCapacity(numbers.count + v.count)
                for value in v {
                    if let value { numbers.append(value) } else { numbers.append(.nan); nulls += 1 }
                }
            case (.numeric, .integers(let v)):
                numbers.reserveCapacity(numbers.count + v.count)
                for value in v {
                    if let value { numbers.append(Double(value)) } else { numbers.append(.nan); nulls += 1 }
                }
            case (.boolean, .booleans(let v)):
                numbers.reserveCapacity(numbers.count + v.count)
                for value in v {
                    if let value { numbers.append(value ? 1 : 0) } else { numbers.append(.nan); nulls += 1 }
                }
            case (.categorical, .strings(let v)):
                codes.reserveCapacity(codes.count + v.count)
                for text in v {
                    // Typed data: only a null is missing, as the Parquet reader has it.
                    guard let text else { codes.append(-1); nulls += 1; continue }
                    if let code = index[text] { codes.append(code); continue }
                    let code = Int32(levels.count)
                    index[text] = code
                    levels.append(text)
                    codes.append(code)
                }
            case (.skipped, .lists):
                break
            default:
                throw .malformed("column \(name) changes type between batches")
            }
        }

        var column: Column? {
            switch kind {
            case .numeric: Column(name: name, kind: .numeric, storage: .numeric(numbers), nullCount: nulls)
            case .boolean: Column(name: name, kind: .boolean, storage: .numeric(numbers), nullCount: nulls)
            case .categorical: Column(name: name, kind: .categorical, storage: .categorical(codes: codes, levels: levels), nullCount: nulls)
            case .skipped: nil
            }
        }
    }

    private var builders: [ColumnBuilder]?
    public private(set) var rowCount = 0

    public init() {}

    public mutating func append(_ stream: ArrowStream) throws(ArrowError) {
        if builders == nil {
            builders = stream.columns.map { ColumnBuilder(name: $0.name, values: $0.values) }
        }
        guard builders!.map(\.name) == stream.columns.map(\.name) else { throw .malformed("batches with different columns") }
        for (i, column) in stream.columns.enumerated() {
            try builders![i].append(column.values)
        }
        rowCount += stream.rowCount
    }

    /// The rows appended so far as a table; a result with no batch at all has no columns.
    public func table(source: String) -> Table {
        Table(source: source, columns: (builders ?? []).compactMap(\.column), rowCount: rowCount)
    }
}

/// Reads an Apache Arrow IPC stream: the format Spark Connect returns query results in.
///
/// A stream is a sequence of encapsulated messages — `0xFFFFFFFF`, a little-endian Int32 length,
/// a flatbuffer `Message`, then the message's body — starting with the schema, followed by
/// record batches, ended by a zero length or the end of the bytes. Only what query results hold
/// is read: flat columns of integers, floating point, booleans, strings, decimals, dates and
/// timestamps, and lists of those (an aggregate returning an array); anything else is an error
/// naming the type, never a guess. Every offset is checked against the bytes it points into,
/// so a damaged stream is an error too.
public struct ArrowStream: Sendable {
    /// One result column, all batches joined.
    public struct Column: Sendable {
        public let name: String
        public let values: Values

        public init(name: String, values: Values) {
            self.name = name
            self.values = values
        }
    }

    public enum Values: Sendable {
        case integers([Int64?])
        case doubles([Double?])
        case booleans([Bool?])
        case strings([String?])
        /// A list per row (nil for a null list), of one of the flat kinds above.
        case lists([Values?])

        public var count: Int {
            switch self {
            case .integers(let v): v.count
            case .doubles(let v): v.count
            case .booleans(let v): v.count
            case .strings(let v): v.count
            case .lists(let v): v.count
            }
        }

        /// Row `i` as a number when the column holds numbers (integers, decimals, doubles).
        public func number(_ i: Int) -> Double? {
            switch self {
            case .integers(let v): v[i].map(Double.init)
            case .doubles(let v): v[i]
            case .booleans(let v): v[i].map { $0 ? 1 : 0 }
            case .strings, .lists: nil
            }
        }

        public func text(_ i: Int) -> String? {
            switch self {
            case .strings(let v): v[i]
            case .integers(let v): v[i].map { String($0) }
            case .doubles(let v): v[i].map { String($0) }
            case .booleans(let v): v[i].map { $0 ? "true" : "false" }
            case .lists: nil
            }
        }

        /// The parts one after the other, copied once (joining them pairwise copied each row
        /// once per later part); nil when they are not all of the kind of `like`.
        static func concatenating(_ parts: [Values], like: Values) -> Values? {
            func join<T>(_ arrays: [[T]?]) -> [T]? {
                var out: [T] = []
                out.reserveCapacity(arrays.reduce(0) { $0 + ($1?.count ?? 0) })
                for array in arrays {
                    guard let array else { return nil }
                    out.append(contentsOf: array)
                }
                return out
            }
            switch like {
            case .integers: return join(parts.map { if case .integers(let v) = $0 { v } else { nil } }).map(Values.integers)
            case .doubles: return join(parts.map { if case .doubles(let v) = $0 { v } else { nil } }).map(Values.doubles)
            case .booleans: return join(parts.map { if case .booleans(let v) = $0 { v } else { nil } }).map(Values.booleans)
            case .strings: return join(parts.map { if case .strings(let v) = $0 { v } else { nil } }).map(Values.strings)
            case .lists: return join(parts.map { if case .lists(let v) = $0 { v } else { nil } }).map(Values.lists)
            }
        }
    }

    public let columns: [Column]
    public let rowCount: Int

    public func column(_ name: String) -> Column? { columns.first { $0.name == name } }

    /// Joins several streams of the same schema (Spark sends one per result partition).
    public static func joining(_ parts: [ArrowStream]) throws(ArrowError) -> ArrowStream? {
        guard let first = parts.first else { return nil }
        guard parts.count > 1 else { return first }
        var columns: [Column] = []
        for (i, column) in first.columns.enumerated() {
            guard parts.allSatisfy({ $0.columns.count == first.columns.count && $0.columns[i].name == column.name }) else {
                throw .malformed("batches with different columns")
            }
            guard let values = Values.concatenating(parts.map { $0.columns[i].values }, like: column.values) else {
                throw .malformed("column \(column.name) changes type between batches")
            }
            columns.append(Column(name: column.name, values: values))
        }
        return ArrowStream(columns: columns, rowCount: parts.reduce(0) { $0 + $1.rowCount })
    }

    public init(columns: [Column], rowCount: Int) {
        self.columns = columns
        self.rowCount = rowCount
    }

    /// Decodes one IPC stream.
    public init(decoding bytes: [UInt8]) throws(ArrowError) {
        var position = 0
        var fields: [Field]?
        var parts: [[Values]] = []
        var rows = 0
        while position < bytes.count {
            guard let message = try Self.nextMessage(bytes, at: &position) else { break }
            switch message.header {
            case .schema(let schema):
                guard fields == nil else { throw .malformed("a second schema in one stream") }
                fields = schema
            case .recordBatch(let batch):
                guard let fields else { throw .malformed("a record batch before the schema") }
                var reader = BatchReader(batch: batch, body: message.body)
                parts.append(try fields.map { field throws(ArrowError) in try reader.read(field, rows: batch.length) })
                rows += batch.length
            }
        }
        guard let fields else { throw .malformed("no schema") }
        var columns: [Column] = []
        for (i, field) in fields.enumerated() {
            guard let values = Values.concatenating(parts.map { $0[i] }, like: Self.empty(field.type)) else { throw .malformed("column \(field.name) changes type") }
            columns.append(Column(name: field.name, values: values))
        }
        self.columns = columns
        self.rowCount = rows
    }

    private static func empty(_ type: FieldType) -> Values {
        switch type {
        case .integer, .decimal, .date, .timestamp: .integers([])
        case .double, .float: .doubles([])
        case .boolean: .booleans([])
        case .utf8, .null: .strings([])
        case .list: .lists([])
        }
    }

    // MARK: Messages

    fileprivate indirect enum FieldType {
        case null
        case integer(bits: Int, signed: Bool)
        case double, float, boolean, utf8
        /// 128-bit decimals read as integers scaled down; Spark returns `sum` of integers so.
        case decimal(scale: Int, bits: Int)
        case date(milliseconds: Bool)
        case timestamp(divisor: Int64)
        case list(Field)
    }

    fileprivate struct Field {
        let name: String
        let type: FieldType
    }

    fileprivate struct RecordBatch {
        let length: Int
        let nodes: [(length: Int, nulls: Int)]
        let buffers: [(offset: Int, length: Int)]
    }

    private enum Header {
        case schema([Field])
        case recordBatch(RecordBatch)
    }

    private static func nextMessage(_ bytes: [UInt8], at position: inout Int) throws(ArrowError) -> (header: Header, body: ArraySlice<UInt8>)? {
        var length = Int(try Self.int32(bytes, position))
        position += 4
        if UInt32(bitPattern: Int32(truncatingIfNeeded: length)) == 0xFFFF_FFFF {
            length = Int(try Self.int32(bytes, position))
            position += 4
        }
        if length == 0 { return nil }
        guard length > 0, length <= bytes.count - position else { throw .malformed("a message longer than the stream") }
        let metadata = FlatBuffer(bytes: bytes[position..<position + length])
        position += length
        let root = try metadata.root()
        let headerType = try metadata.scalar(root, field: 1, UInt8.self) ?? 0
        let bodyLength = Int(try metadata.scalar(root, field: 3, Int64.self) ?? 0)
        guard bodyLength >= 0, bodyLength <= bytes.count - position else { throw .malformed("a message body longer than the stream") }
        let body = bytes[position..<position + bodyLength]
        position += bodyLength
        guard let header = try metadata.table(root, field: 2) else { throw .malformed("a message without a header") }
        switch headerType {
        case 1:
            guard let list = try metadata.vector(header, field: 1) else { return (.schema([]), body) }
            var fields: [Field] = []
            for i in 0..<list.count { fields.append(try Self.field(metadata, try metadata.table(inVector: list, at: i))) }
            return (.schema(fields), body)
        case 3:
            let length = Int(try metadata.scalar(header, field: 0, Int64.self) ?? 0)
            if try metadata.table(header, field: 3) != nil {
                throw .unsupported("compressed record batches (ask the server for uncompressed Arrow: spark.sql.execution.arrow.compression.codec)")
            }
            var nodes: [(Int, Int)] = []
            if let vector = try metadata.vector(header, field: 1) {
                for i in 0..<vector.count {
                    let at = try metadata.structInVector(vector, at: i, size: 16)
                    nodes.append((Int(try metadata.read(Int64.self, at)), Int(try metadata.read(Int64.self, at + 8))))
                }
            }
            var buffers: [(Int, Int)] = []
            if let vector = try metadata.vector(header, field: 2) {
                for i in 0..<vector.count {
                    let at = try metadata.structInVector(vector, at: i, size: 16)
                    buffers.append((Int(try metadata.read(Int64.self, at)), Int(try metadata.read(Int64.self, at + 8))))
                }
            }
            guard length >= 0 else { throw .malformed("a negative row count") }
            return (.recordBatch(RecordBatch(length: length, nodes: nodes, buffers: buffers)), body)
        case 2:
            throw .unsupported("dictionary-encoded columns")
        default:
            throw .unsupported("message type \(headerType)")
        }
    }

    private static func field(_ buffer: FlatBuffer, _ table: Int) throws(ArrowError) -> Field {
        let name = try buffer.string(table, field: 0) ?? ""
        let typeTag = try buffer.scalar(table, field: 2, UInt8.self) ?? 0
        let type = try buffer.table(table, field: 3)
        if try buffer.table(table, field: 4) != nil { throw .unsupported("dictionary-encoded column \(name)") }
        func required() throws(ArrowError) -> Int {
            guard let type else { throw .malformed("column \(name) without its type") }
            return type
        }
        let kind: FieldType
        switch typeTag {
        case 1: kind = .null
        case 2:
            let t = try required()
            kind = .integer(bits: Int(try buffer.scalar(t, field: 0, Int32.self) ?? 0), signed: (try buffer.scalar(t, field: 1, UInt8.self) ?? 0) != 0)
        case 3:
            switch try buffer.scalar(try required(), field: 0, Int16.self) ?? 0 {
            case 2: kind = .double
            case 1: kind = .float
            default: throw .unsupported("half-precision column \(name)")
            }
        case 5: kind = .utf8
        case 6: kind = .boolean
        case 7:
            let t = try required()
            kind = .decimal(scale: Int(try buffer.scalar(t, field: 1, Int32.self) ?? 0), bits: Int(try buffer.scalar(t, field: 2, Int32.self) ?? 128))
        case 8: kind = .date(milliseconds: (try buffer.scalar(try required(), field: 0, Int16.self) ?? 1) == 1)
        case 10:
            // Spark sends microseconds; every unit is brought to seconds.
            let unit = try buffer.scalar(try required(), field: 0, Int16.self) ?? 0
            kind = .timestamp(divisor: [1, 1_000, 1_000_000, 1_000_000_000][Int(max(0, min(3, unit)))])
        case 12:
            guard let children = try buffer.vector(table, field: 5), children.count == 1 else { throw .malformed("list column \(name) without one child") }
            kind = .list(try Self.field(buffer, try buffer.table(inVector: children, at: 0)))
        default:
            throw .unsupported("column \(name) of Arrow type \(typeTag) (cast it to a number or a string in the query)")
        }
        return Field(name: name, type: kind)
    }

    private static func int32(_ bytes: [UInt8], _ at: Int) throws(ArrowError) -> Int32 {
        guard at >= 0, at + 4 <= bytes.count else { throw .malformed("the stream ends inside a message header") }
        return Int32(bitPattern: UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24)
    }

    // MARK: Batches

    /// Walks a batch's field nodes and buffers in schema order (depth first), as the format lays them out.
    private struct BatchReader {
        let batch: RecordBatch
        let body: ArraySlice<UInt8>
        var node = 0
        var buffer = 0

        init(batch: RecordBatch, body: ArraySlice<UInt8>) {
            self.batch = batch
            self.body = body
        }

        mutating func nextNode() throws(ArrowError) -> (length: Int, nulls: Int) {
            guard node < batch.nodes.count else { throw .malformed("fewer field nodes than columns") }
            defer { node += 1 }
            let n = batch.nodes[node]
            guard n.length >= 0, n.length <= 1 << 40 else { throw .malformed("a field node of \(n.length) rows") }
            return n
        }

        mutating func nextBuffer() throws(ArrowError) -> ArraySlice<UInt8> {
            guard buffer < batch.buffers.count else { throw .malformed("fewer buffers than columns need") }
            defer { buffer += 1 }
            let (offset, length) = batch.buffers[buffer]
            guard offset >= 0, length >= 0, offset <= body.count, length <= body.count - offset else { throw .malformed("a buffer outside the message body") }
            let start = body.startIndex + offset
            return body[start..<start + length]
        }

        mutating func read(_ field: Field, rows: Int) throws(ArrowError) -> Values {
            let node = try nextNode()
            let validity = try nextBuffer()
            let length = node.length
            func valid(_ i: Int) -> Bool {
                guard node.nulls > 0, !validity.isEmpty else { return true }
                return validity[validity.startIndex + i >> 3] & (1 << UInt8(i & 7)) != 0
            }
            if node.nulls > 0, !validity.isEmpty, validity.count < (length + 7) / 8 { throw .malformed("a validity bitmap shorter than its column") }
            switch field.type {
            case .null:
                return .strings([String?](repeating: nil, count: length))
            case .integer(let bits, let signed):
                let data = try nextBuffer()
                let width = bits / 8
                guard [1, 2, 4, 8].contains(width), data.count >= length * width else { throw .malformed("column \(field.name)'s values are shorter than its rows") }
                var out = [Int64?](repeating: nil, count: length)
                for i in 0..<length where valid(i) {
                    let raw = Self.littleEndian(data, at: i * width, width: width)
                    if signed {
                        let shift = UInt64(64 - bits)
                        out[i] = Int64(bitPattern: raw << shift) >> Int64(shift)
                    } else {
                        out[i] = Int64(bitPattern: raw)
                    }
                }
                return .integers(out)
            case .double, .float:
                let data = try nextBuffer()
                let width: Int
                if case .double = field.type { width = 8 } else { width = 4 }
                guard data.count >= length * width else { throw .malformed("column \(field.name)'s values are shorter than its rows") }
                var out = [Double?](repeating: nil, count: length)
                for i in 0..<length where valid(i) {
                    let raw = Self.littleEndian(data, at: i * width, width: width)
                    out[i] = width == 8 ? Double(bitPattern: raw) : Double(Float(bitPattern: UInt32(truncatingIfNeeded: raw)))
                }
                return .doubles(out)
            case .boolean:
                let data = try nextBuffer()
                guard data.count >= (length + 7) / 8 else { throw .malformed("column \(field.name)'s values are shorter than its rows") }
                var out = [Bool?](repeating: nil, count: length)
                for i in 0..<length where valid(i) { out[i] = data[data.startIndex + i >> 3] & (1 << UInt8(i & 7)) != 0 }
                return .booleans(out)
            case .utf8:
                let offsets = try nextBuffer()
                let data = try nextBuffer()
                guard offsets.count >= (length + 1) * 4 || length == 0 else { throw .malformed("column \(field.name)'s offsets are shorter than its rows") }
                var out = [String?](repeating: nil, count: length)
                for i in 0..<length where valid(i) {
                    let start = Int(Int32(bitPattern: UInt32(truncatingIfNeeded: Self.littleEndian(offsets, at: i * 4, width: 4))))
                    let end = Int(Int32(bitPattern: UInt32(truncatingIfNeeded: Self.littleEndian(offsets, at: i * 4 + 4, width: 4))))
                    guard start >= 0, start <= end, end <= data.count else { throw .malformed("column \(field.name) has a string outside its data") }
                    out[i] = String(decoding: data[data.startIndex + start..<data.startIndex + end], as: UTF8.self)
                }
                return .strings(out)
            case .decimal(let scale, let bits):
                let data = try nextBuffer()
                let width = bits / 8
                guard width == 16 || width == 32, data.count >= length * width else { throw .malformed("column \(field.name)'s decimals are shorter than its rows") }
                var out = [Int64?](repeating: nil, count: length)
                for i in 0..<length where valid(i) {
                    // Counts and sums fit 64 bits; a decimal beyond them is out of what a statistic returns.
                    let low = Int64(bitPattern: Self.littleEndian(data, at: i * width, width: 8))
                    let high = Int64(bitPattern: Self.littleEndian(data, at: i * width + 8, width: 8))
                    guard high == (low < 0 ? -1 : 0) else { throw .unsupported("column \(field.name) holds a decimal beyond 64 bits") }
                    var value = low
                    for _ in 0..<scale { value /= 10 }
                    out[i] = value
                }
                return .integers(out)
            case .date(let milliseconds):
                let data = try nextBuffer()
                let width = milliseconds ? 8 : 4
                guard data.count >= length * width else { throw .malformed("column \(field.name)'s dates are shorter than its rows") }
                var out = [Int64?](repeating: nil, count: length)
                for i in 0..<length where valid(i) {
                    let raw = Self.littleEndian(data, at: i * width, width: width)
                    // Seconds since the epoch, as the CSV reader stores a date.
                    out[i] = milliseconds ? Int64(bitPattern: raw) / 1000 : Int64(Int32(truncatingIfNeeded: raw)) * 86_400
                }
                return .integers(out)
            case .timestamp(let divisor):
                let data = try nextBuffer()
                guard data.count >= length * 8 else { throw .malformed("column \(field.name)'s timestamps are shorter than its rows") }
                var out = [Int64?](repeating: nil, count: length)
                for i in 0..<length where valid(i) { out[i] = Int64(bitPattern: Self.littleEndian(data, at: i * 8, width: 8)) / divisor }
                return .integers(out)
            case .list(let child):
                let offsets = try nextBuffer()
                guard offsets.count >= (length + 1) * 4 || length == 0 else { throw .malformed("list column \(field.name)'s offsets are shorter than its rows") }
                let childCount = length == 0 ? 0 : Int(Int32(bitPattern: UInt32(truncatingIfNeeded: Self.littleEndian(offsets, at: length * 4, width: 4))))
                let items = try read(child, rows: childCount)
                guard items.count >= childCount else { throw .malformed("list column \(field.name) is shorter than its offsets") }
                var out = [Values?](repeating: nil, count: length)
                for i in 0..<length where valid(i) {
                    let start = Int(Int32(bitPattern: UInt32(truncatingIfNeeded: Self.littleEndian(offsets, at: i * 4, width: 4))))
                    let end = Int(Int32(bitPattern: UInt32(truncatingIfNeeded: Self.littleEndian(offsets, at: i * 4 + 4, width: 4))))
                    guard start >= 0, start <= end, end <= items.count else { throw .malformed("list column \(field.name) has an item outside its child") }
                    out[i] = Self.slice(items, start..<end)
                }
                return .lists(out)
            }
        }

        static func slice(_ values: Values, _ range: Range<Int>) -> Values {
            switch values {
            case .integers(let v): .integers(Array(v[range]))
            case .doubles(let v): .doubles(Array(v[range]))
            case .booleans(let v): .booleans(Array(v[range]))
            case .strings(let v): .strings(Array(v[range]))
            case .lists(let v): .lists(Array(v[range]))
            }
        }

        static func littleEndian(_ data: ArraySlice<UInt8>, at offset: Int, width: Int) -> UInt64 {
            var value: UInt64 = 0
            let base = data.startIndex + offset
            for k in 0..<width { value |= UInt64(data[base + k]) << UInt64(8 * k) }
            return value
        }
    }
}

public enum ArrowError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case unsupported(String)

    public var description: String {
        switch self {
        case .malformed(let why): "a damaged Arrow result stream: \(why)"
        case .unsupported(let what): "an Arrow result mlgate does not read: \(what)"
        }
    }
}

/// The few flatbuffer reads Arrow's metadata needs, each bounds-checked: tables through their
/// vtables, scalars with their defaults, offsets to tables, vectors and strings.
private struct FlatBuffer {
    let bytes: ArraySlice<UInt8>

    func read<T: FixedWidthInteger>(_: T.Type, _ at: Int) throws(ArrowError) -> T {
        let size = MemoryLayout<T>.size
        guard at >= 0, at <= bytes.count - size else { throw .malformed("metadata offset \(at) outside the message") }
        var value: UInt64 = 0
        let base = bytes.startIndex + at
        for k in 0..<size { value |= UInt64(bytes[base + k]) << UInt64(8 * k) }
        return T(truncatingIfNeeded: value)
    }

    func root() throws(ArrowError) -> Int { Int(try read(UInt32.self, 0)) }

    /// Where a table's field is, or nil when the vtable leaves it out (its default).
    private func fieldPosition(_ table: Int, _ field: Int) throws(ArrowError) -> Int? {
        let vtable = table - Int(try read(Int32.self, table))
        let vtableSize = Int(try read(UInt16.self, vtable))
        let slot = 4 + 2 * field
        guard slot + 2 <= vtableSize else { return nil }
        let offset = Int(try read(UInt16.self, vtable + slot))
        return offset == 0 ? nil : table + offset
    }

    func scalar<T: FixedWidthInteger>(_ table: Int, field: Int, _ type: T.Type) throws(ArrowError) -> T? {
        guard let at = try fieldPosition(table, field) else { return nil }
        return try read(T.self, at)
    }

    private func indirect(_ at: Int) throws(ArrowError) -> Int { at + Int(try read(UInt32.self, at)) }

    func table(_ table: Int, field: Int) throws(ArrowError) -> Int? {
        guard let at = try fieldPosition(table, field) else { return nil }
        return try indirect(at)
    }

    func vector(_ table: Int, field: Int) throws(ArrowError) -> (start: Int, count: Int)? {
        guard let at = try fieldPosition(table, field) else { return nil }
        let vector = try indirect(at)
        let count = Int(try read(UInt32.self, vector))
        guard count <= bytes.count else { throw .malformed("a vector longer than its message") }
        return (vector + 4, count)
    }

    func table(inVector vector: (start: Int, count: Int), at i: Int) throws(ArrowError) -> Int {
        try indirect(vector.start + 4 * i)
    }

    func structInVector(_ vector: (start: Int, count: Int), at i: Int, size: Int) throws(ArrowError) -> Int {
        let at = vector.start + size * i
        guard at + size <= bytes.count else { throw .malformed("a vector outside its message") }
        return at
    }

    func string(_ table: Int, field: Int) throws(ArrowError) -> String? {
        guard let (start, count) = try vector(table, field: field) else { return nil }
        guard start + count <= bytes.count else { throw .malformed("a name outside its message") }
        let base = bytes.startIndex + start
        return String(decoding: bytes[base..<base + count], as: UTF8.self)
    }
}

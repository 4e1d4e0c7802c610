/// A reader of Apache Thrift's compact protocol, the encoding of Parquet's footer and page
/// headers: just what a generic walk needs (field headers, zigzag varints, binaries, lists and
/// nested structs, skipping what it does not know), every read bounds-checked.
///
/// Parquet's structs are read field by field into small value types by the callers
/// (`ParquetMetadata`); an unknown field is skipped, so files from newer writers still read.
struct ThriftCompact {
    enum FieldType: UInt8 {
        case stop = 0, boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7
        case binary = 8, list = 9, set = 10, map = 11, structure = 12
    }

    /// Why the bytes are not the Thrift the reader expects (the caller names the file): the
    /// same error as a page's values, since both are a Parquet file's damage.
    typealias Malformed = ParquetDecoding.Malformed

    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var offset: Int
    /// Nesting depth: a crafted header cannot recurse without bound.
    private var depth = 0
    static let maxDepth = 64

    init(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    mutating func byte() throws(Malformed) -> UInt8 {
        guard offset < bytes.count else { throw Malformed(reason: "a Thrift structure runs past the end of its bytes") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func varint() throws(Malformed) -> UInt64 {
        guard let value = Varint.read(bytes, at: &offset) else { throw Malformed(reason: "a Thrift integer is cut short or longer than 10 bytes") }
        return value
    }

    mutating func zigzag() throws(Malformed) -> Int64 {
        let v = try varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    mutating func i32() throws(Malformed) -> Int32 {
        let v = try zigzag()
        guard let narrow = Int32(exactly: v) else { throw Malformed(reason: "a Thrift i32 holds \(v)") }
        return narrow
    }

    mutating func double() throws(Malformed) -> Double {
        guard bytes.count - offset >= 8 else { throw Malformed(reason: "a Thrift double runs past the end of its bytes") }
        var bits: UInt64 = 0
        for i in 0..<8 { bits |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += 8
        return Double(bitPattern: bits)
    }

    mutating func binary() throws(Malformed) -> UnsafeBufferPointer<UInt8> {
        let n = try varint()
        guard n <= UInt64(bytes.count - offset) else { throw Malformed(reason: "a Thrift string claims \(n) bytes, more than are left") }
        defer { offset += Int(n) }
        return UnsafeBufferPointer(rebasing: bytes[offset..<offset + Int(n)])
    }

    mutating func string() throws(Malformed) -> String {
        String(decoding: try binary(), as: UTF8.self)
    }

    /// The next field of the current struct: its id and type, or nil at the struct's end.
    mutating func field(after previous: inout Int16) throws(Malformed) -> (id: Int16, type: FieldType)? {
        let header = try byte()
        guard let type = FieldType(rawValue: header & 0x0F) else { throw Malformed(reason: "unknown Thrift field type \(header & 0x0F)") }
        if type == .stop { return nil }
        let delta = Int16(header >> 4)
        if delta != 0 {
            previous &+= delta
        } else {
            let id = try zigzag()
            guard let narrow = Int16(exactly: id) else { throw Malformed(reason: "a Thrift field id is \(id)") }
            previous = narrow
        }
        return (previous, type)
    }

    /// A list's element type and length.
    mutating func listHeader() throws(Malformed) -> (type: FieldType, count: Int) {
        let header = try byte()
        guard let type = FieldType(rawValue: header & 0x0F) else { throw Malformed(reason: "unknown Thrift list element type \(header & 0x0F)") }
        var count = UInt64(header >> 4)
        if count == 15 { count = try varint() }
        // Each element takes at least one byte: a count beyond what is left is a lie.
        guard count <= UInt64(bytes.count - offset) else { throw Malformed(reason: "a Thrift list claims \(count) elements, more than its bytes hold") }
        return (type, Int(count))
    }

    /// Reads an integer field of any integer type (writers differ on widths).
    mutating func integer(_ type: FieldType) throws(Malformed) -> Int64 {
        switch type {
        case .byte: return Int64(Int8(bitPattern: try byte()))
        case .i16, .i32, .i64: return try zigzag()
        default: throw Malformed(reason: "a Thrift field expected to be an integer has type \(type)")
        }
    }

    mutating func bool(_ type: FieldType) throws(Malformed) -> Bool {
        switch type {
        case .boolTrue: return true
        case .boolFalse: return false
        default: throw Malformed(reason: "a Thrift field expected to be a boolean has type \(type)")
        }
    }

    /// Reads a struct, calling `body` for each field; `body` must consume the field's value (or
    /// call `skip`).
    mutating func structure(_ body: (inout ThriftCompact, Int16, FieldType) throws(Malformed) -> Void) throws(Malformed) {
        depth += 1
        guard depth <= Self.maxDepth else { throw Malformed(reason: "Thrift structures nest deeper than \(Self.maxDepth)") }
        defer { depth -= 1 }
        var previous: Int16 = 0
        while let (id, type) = try field(after: &previous) {
            try body(&self, id, type)
        }
    }

    /// Reads a list of structs (or other values), calling `body` for each element.
    mutating func list(_ body: (inout ThriftCompact, FieldType) throws(Malformed) -> Void) throws(Malformed) {
        let (type, count) = try listHeader()
        for _ in 0..<count { try body(&self, type) }
    }

    /// Passes over a value of `type` that the reader does not use.
    mutating func skip(_ type: FieldType) throws(Malformed) {
        switch type {
        case .stop: throw Malformed(reason: "a Thrift value of type stop")
        case .boolTrue, .boolFalse: return
        case .byte: _ = try byte()
        case .i16, .i32, .i64: _ = try varint()
        case .double: _ = try double()
        case .binary: _ = try binary()
        case .list, .set:
            let (element, count) = try listHeader()
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { throw Malformed(reason: "Thrift structures nest deeper than \(Self.maxDepth)") }
            for _ in 0..<count {
                // Booleans inside a collection take a byte each.
                if element == .boolTrue || element == .boolFalse { _ = try byte() } else { try skip(element) }
            }
        case .map:
            let count = try varint()
            guard count <= UInt64(bytes.count - offset) else { throw Malformed(reason: "a Thrift map claims \(count) entries, more than its bytes hold") }
            if count == 0 { return }
            let types = try byte()
            guard let key = FieldType(rawValue: types >> 4), let value = FieldType(rawValue: types & 0x0F) else {
                throw Malformed(reason: "unknown Thrift map types")
            }
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { throw Malformed(reason: "Thrift structures nest deeper than \(Self.maxDepth)") }
            for _ in 0..<count {
                if key == .boolTrue || key == .boolFalse { _ = try byte() } else { try skip(key) }
                if value == .boolTrue || value == .boolFalse { _ = try byte() } else { try skip(value) }
            }
        case .structure:
            try structure { reader, _, type throws(Malformed) in try reader.skip(type) }
        }
    }
}

/// ULEB128, the variable-length integers of Thrift's compact protocol and of Parquet's encodings.
enum Varint {
    /// The integer at `offset`, moving past it; nil when the bytes end first or it runs past 10 bytes.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, at offset: inout Int) -> UInt64? {
        var result: UInt64 = 0, shift: UInt64 = 0, at = offset
        while at < bytes.count, shift < 64 {
            let b = bytes[at]
            at += 1
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 {
                offset = at
                return result
            }
            shift += 7
        }
        return nil
    }
}

/// What cached artifacts of our own (a data profile, a baseline digest) are written as:
/// little-endian, length-prefixed, with every read bounds-checked, so that a truncated or
/// foreign entry reads as a miss (nil), never as numbers.

/// Appends fixed-width little-endian values and length-prefixed strings and arrays.
public struct ByteWriter {
    public var bytes: [UInt8] = []

    public init() {}

    public mutating func int(_ value: Int) { withUnsafeBytes(of: Int64(value).littleEndian) { bytes.append(contentsOf: $0) } }
    public mutating func double(_ value: Double) { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }

    public mutating func string(_ value: String) {
        let utf8 = Array(value.utf8)
        int(utf8.count)
        bytes.append(contentsOf: utf8)
    }

    /// Row keys, little-endian.
    public mutating func words(_ values: [UInt64]) {
        int(values.count)
        for v in values { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    }

    /// A whole array in one copy: a million values a column.
    public mutating func doubles(_ values: [Double]) {
        int(values.count)
        values.withUnsafeBytes { raw in
            if 1.littleEndian == 1 {
                bytes.append(contentsOf: raw)
            } else {
                for v in values { double(v) }
            }
        }
    }
}

/// Reads what `ByteWriter` wrote; every read is bounds-checked and answers nil past the end.
public struct ByteReader {
    public let bytes: [UInt8]
    public private(set) var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var remaining: Int { bytes.count - offset }

    public mutating func int() -> Int? {
        guard remaining >= 8 else { return nil }
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += 8
        return Int(Int64(bitPattern: value))
    }

    /// A count of things still to read: non-negative and no more than the bytes left.
    public mutating func count() -> Int? {
        guard let n = int(), n >= 0, n <= remaining else { return nil }
        return n
    }

    public mutating func double() -> Double? { int().map { Double(bitPattern: UInt64(bitPattern: Int64($0))) } }

    public mutating func string() -> String? {
        guard let n = count() else { return nil }
        defer { offset += n }
        return String(decoding: bytes[offset..<offset + n], as: UTF8.self)
    }

    public mutating func words() -> [UInt64]? {
        guard let n = int(), n >= 0, n <= remaining / 8 else { return nil }
        var values = [UInt64](repeating: 0, count: n)
        let start = offset
        bytes.withUnsafeBytes { source in
            for i in 0..<n { values[i] = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: start + 8 * i, as: UInt64.self)) }
        }
        offset += n * 8
        return values
    }

    public mutating func doubles() -> [Double]? {
        guard let n = int(), n >= 0, n <= remaining / 8 else { return nil }
        let start = offset
        var values = [Double](unsafeUninitializedCapacity: n) { target, count in
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(target).copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<start + n * 8]))
            }
            count = n
        }
        if 1.littleEndian != 1 { values = values.map { Double(bitPattern: UInt64(littleEndian: $0.bitPattern)) } }
        offset += n * 8
        return values
    }
}

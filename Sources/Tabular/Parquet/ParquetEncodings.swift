/// Parquet's value and level encodings, decoded from a page's bytes with every read
/// bounds-checked: a page whose sizes lie is an error, never a read past its end.
enum ParquetDecoding {
    struct Malformed: Error {
        let reason: String
    }

    /// A cursor over a page's bytes.
    struct Bytes {
        let base: UnsafeBufferPointer<UInt8>
        var offset = 0

        init(_ base: UnsafeBufferPointer<UInt8>) { self.base = base }

        var remaining: Int { base.count - offset }

        mutating func take(_ n: Int) throws(Malformed) -> UnsafeBufferPointer<UInt8> {
            guard n >= 0, n <= remaining else { throw Malformed(reason: "a page holds fewer bytes than its values need") }
            defer { offset += n }
            return UnsafeBufferPointer(rebasing: base[offset..<offset + n])
        }

        mutating func byte() throws(Malformed) -> UInt8 { try take(1)[0] }

        mutating func uint32() throws(Malformed) -> UInt32 {
            let b = try take(4)
            return UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
        }

        mutating func varint() throws(Malformed) -> UInt64 {
            guard let value = Varint.read(base, at: &offset) else { throw Malformed(reason: "a varint is cut short or longer than 10 bytes") }
            return value
        }

        mutating func zigzag() throws(Malformed) -> Int64 {
            let v = try varint()
            return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
        }
    }

    // MARK: RLE / bit-packed hybrid (levels, dictionary indices, booleans)

    /// `count` values of `bitWidth` bits from the hybrid encoding, appended to `out`.
    static func hybrid(_ input: inout Bytes, bitWidth: Int, count: Int, into out: inout [UInt32]) throws(Malformed) {
        guard (0...32).contains(bitWidth) else { throw Malformed(reason: "a bit width of \(bitWidth)") }
        let target = out.count + count
        out.reserveCapacity(target)
        let valueBytes = (bitWidth + 7) / 8
        while out.count < target {
            let header = try input.varint()
            if header & 1 == 0 {
                // A run of one value repeated.
                let run = Int(clamping: header >> 1)
                guard run > 0 else { throw Malformed(reason: "an RLE run of length 0") }
                var value: UInt32 = 0
                let bytes = try input.take(valueBytes)
                for i in 0..<valueBytes { value |= UInt32(bytes[i]) << (8 * UInt32(i)) }
                guard bitWidth == 32 || value >> UInt32(bitWidth) == 0 else { throw Malformed(reason: "an RLE value wider than its bit width") }
                let n = min(run, target - out.count)
                out.append(contentsOf: repeatElement(value, count: n))
            } else {
                // Groups of eight values bit-packed, least significant bit first.
                let groups = Int(clamping: header >> 1)
                guard groups > 0, groups <= input.remaining else { throw Malformed(reason: "a bit-packed run longer than its page") }
                let bytes = try input.take(min(input.remaining, groups * bitWidth))
                guard bytes.count == groups * bitWidth else { throw Malformed(reason: "a bit-packed run longer than its page") }
                let n = min(groups * 8, target - out.count)
                unpack(bytes, bitWidth: bitWidth, count: n, into: &out)
            }
        }
    }

    /// `count` values of `bitWidth` bits packed LSB-first in `bytes` (which holds enough).
    static func unpack(_ bytes: UnsafeBufferPointer<UInt8>, bitWidth: Int, count: Int, into out: inout [UInt32]) {
        if bitWidth == 0 {
            out.append(contentsOf: repeatElement(0, count: count))
            return
        }
        let mask: UInt64 = bitWidth == 64 ? ~0 : (1 << UInt64(bitWidth)) - 1
        // Eight values of up to 8 bits fill at most 8 bytes: one 64-bit word a group.
        if bitWidth <= 8 {
            let groups = count / 8
            out.reserveCapacity(out.count + count)
            for g in 0..<groups {
                var word: UInt64 = 0
                for b in 0..<bitWidth { word |= UInt64(bytes[g * bitWidth + b]) << (8 * UInt64(b)) }
                for k in 0..<8 { out.append(UInt32(truncatingIfNeeded: (word >> UInt64(k * bitWidth)) & mask)) }
            }
            let done = groups * 8
            guard done < count else { return }
            unpack(UnsafeBufferPointer(rebasing: bytes[(groups * bitWidth)...]), bitWidth: bitWidth, count: count - done, wide: true, into: &out)
            return
        }
        unpack(bytes, bitWidth: bitWidth, count: count, wide: true, into: &out)
    }

    /// The general loop: a byte at a time into a 64-bit buffer.
    private static func unpack(_ bytes: UnsafeBufferPointer<UInt8>, bitWidth: Int, count: Int, wide: Bool, into out: inout [UInt32]) {
        let mask: UInt64 = bitWidth == 64 ? ~0 : (1 << UInt64(bitWidth)) - 1
        var buffer: UInt64 = 0, bits = 0, position = 0
        for _ in 0..<count {
            while bits < bitWidth {
                buffer |= UInt64(bytes[position]) << UInt64(bits)
                position += 1
                bits += 8
            }
            out.append(UInt32(truncatingIfNeeded: buffer & mask))
            buffer >>= UInt64(bitWidth)
            bits -= bitWidth
        }
    }

    // MARK: DELTA_BINARY_PACKED

    /// The integers of a DELTA_BINARY_PACKED run (as many as its header says, at most `limit`).
    static func deltaBinaryPacked(_ input: inout Bytes, limit: Int) throws(Malformed) -> [Int64] {
        let blockSize = Int(clamping: try input.varint()), miniblocks = Int(clamping: try input.varint())
        let total = Int(clamping: try input.varint())
        var value = try input.zigzag()
        guard blockSize > 0, blockSize % 128 == 0, miniblocks > 0, blockSize % miniblocks == 0, (blockSize / miniblocks) % 32 == 0 else {
            throw Malformed(reason: "a delta block of \(blockSize) values in \(miniblocks) miniblocks")
        }
        guard total <= limit else { throw Malformed(reason: "a delta run claims \(total) values where the page has \(limit)") }
        var out: [Int64] = []
        out.reserveCapacity(total)
        if total > 0 { out.append(value) }
        let perMiniblock = blockSize / miniblocks
        var widths = [Int](repeating: 0, count: miniblocks)
        var scratch: [UInt64] = []
        while out.count < total {
            let minDelta = try input.zigzag()
            let widthBytes = try input.take(miniblocks)
            for i in 0..<miniblocks { widths[i] = Int(widthBytes[i]) }
            for m in 0..<miniblocks where out.count < total {
                let width = widths[m]
                guard width <= 64 else { throw Malformed(reason: "a delta miniblock of \(width)-bit values") }
                let bytes = try input.take(min(input.remaining, perMiniblock * width / 8))
                // The last miniblock may be cut short; values past the run are not read.
                let n = min(perMiniblock, total - out.count)
                guard bytes.count * 8 >= n * width else { throw Malformed(reason: "a delta miniblock longer than its page") }
                scratch.removeAll(keepingCapacity: true)
                unpack64(bytes, bitWidth: width, count: n, into: &scratch)
                for delta in scratch {
                    value = value &+ minDelta &+ Int64(bitPattern: delta)
                    out.append(value)
                }
            }
        }
        return out
    }

    static func unpack64(_ bytes: UnsafeBufferPointer<UInt8>, bitWidth: Int, count: Int, into out: inout [UInt64]) {
        if bitWidth == 0 {
            out.append(contentsOf: repeatElement(0, count: count))
            return
        }
        for i in 0..<count {
            // Up to 64 bits from bit i · width, gathered a byte's worth at a time.
            var value: UInt64 = 0
            var got = 0, bit = i * bitWidth
            while got < bitWidth {
                let shift = bit & 7, available = min(8 - shift, bitWidth - got)
                let piece = (UInt64(bytes[bit >> 3]) >> UInt64(shift)) & ((1 << UInt64(available)) - 1)
                value |= piece << UInt64(got)
                got += available
                bit += available
            }
            out.append(value)
        }
    }

    // MARK: Byte arrays

    /// Calls `body` with each of `count` PLAIN byte arrays (a 4-byte length, then the bytes).
    static func plainByteArrays(_ input: inout Bytes, count: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws(Malformed) {
        for _ in 0..<count {
            let n = Int(try input.uint32())
            body(try input.take(n))
        }
    }

    /// DELTA_LENGTH_BYTE_ARRAY: the lengths delta-packed, then the bytes one after the other.
    static func deltaLengthByteArrays(_ input: inout Bytes, count: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws(Malformed) {
        let lengths = try deltaBinaryPacked(&input, limit: count)
        guard lengths.count == count else { throw Malformed(reason: "\(lengths.count) lengths for \(count) values") }
        for n in lengths {
            guard n >= 0, n <= Int64(input.remaining) else { throw Malformed(reason: "a value of \(n) bytes where fewer are left") }
            body(try input.take(Int(n)))
        }
    }

    /// DELTA_BYTE_ARRAY: each value is a prefix of the one before plus a suffix.
    static func deltaByteArrays(_ input: inout Bytes, count: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws(Malformed) {
        let prefixes = try deltaBinaryPacked(&input, limit: count)
        guard prefixes.count == count else { throw Malformed(reason: "\(prefixes.count) prefix lengths for \(count) values") }
        var previous: [UInt8] = []
        var current: [UInt8] = []
        var index = 0
        var failure: Malformed?
        try deltaLengthByteArrays(&input, count: count) { suffix in
            let prefix = prefixes[index]
            index += 1
            guard failure == nil else { return }
            guard prefix >= 0, prefix <= Int64(previous.count) else {
                failure = Malformed(reason: "a value repeats \(prefix) bytes of a shorter one")
                return
            }
            current.removeAll(keepingCapacity: true)
            current.append(contentsOf: previous[0..<Int(prefix)])
            current.append(contentsOf: suffix)
            current.withUnsafeBufferPointer(body)
            swap(&previous, &current)
        }
        if let failure { throw failure }
    }

    // MARK: Fixed-width values

    /// `count` little-endian fixed-width values, each turned into a Double by `convert`.
    static func plainFixed<T: FixedWidthInteger>(_ input: inout Bytes, count: Int, as _: T.Type, into out: inout [Double],
                                                 convert: (T) -> Double) throws(Malformed) {
        let size = MemoryLayout<T>.size
        let bytes = try input.take(count * size)
        out.reserveCapacity(out.count + count)
        for i in 0..<count {
            var v: T = 0
            for b in 0..<size { v |= T(truncatingIfNeeded: bytes[i * size + b]) << (8 * b) }
            out.append(convert(v))
        }
    }

    /// BYTE_STREAM_SPLIT of floats or doubles: byte k of every value, then byte k + 1 …
    static func byteStreamSplit(_ input: inout Bytes, count: Int, width: Int, into out: inout [Double]) throws(Malformed) {
        let bytes = try input.take(count * width)
        out.reserveCapacity(out.count + count)
        for i in 0..<count {
            var bits: UInt64 = 0
            for k in 0..<width { bits |= UInt64(bytes[k * count + i]) << (8 * UInt64(k)) }
            out.append(width == 4 ? Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits))) : Double(bitPattern: bits))
        }
    }
}

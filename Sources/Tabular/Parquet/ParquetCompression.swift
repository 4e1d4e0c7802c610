import CSnappy
import CZlib
import CZstd

/// Decompresses a Parquet page whose uncompressed size the page header states: the output is
/// allocated once at that size, and a codec that yields another size is an error (a page whose
/// sizes lie), never a larger buffer.
enum ParquetCompression {
    static func decompress(_ input: UnsafeBufferPointer<UInt8>, codec: Parquet.Codec, size: Int) throws(ParquetDecoding.Malformed) -> [UInt8] {
        guard size >= 0 else { throw ParquetDecoding.Malformed(reason: "a page of negative size") }
        switch codec {
        case .uncompressed:
            guard input.count == size else { throw ParquetDecoding.Malformed(reason: "an uncompressed page of \(input.count) bytes says \(size)") }
            return Array(input)
        case .snappy: return try snappy(input, size: size)
        case .zstd: return try zstd(input, size: size)
        case .gzip: return try gzip(input, size: size)
        case .lz4Raw: return try lz4Block(input, size: size)
        case .lz4: return try hadoopLZ4(input, size: size)
        case .lzo, .brotli:
            throw ParquetDecoding.Malformed(reason: "pages compressed with \(codec == .lzo ? "LZO" : "Brotli"), which mlgate does not read; rewrite the file with SNAPPY, ZSTD or GZIP")
        }
    }

    private static func output(_ size: Int, _ fill: (UnsafeMutableBufferPointer<UInt8>) throws(ParquetDecoding.Malformed) -> Int) throws(ParquetDecoding.Malformed) -> [UInt8] {
        var failure: ParquetDecoding.Malformed?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            switch Result(catching: { () throws(ParquetDecoding.Malformed) in try fill(buffer) }) {
            case .success(let n): count = n
            case .failure(let error): failure = error; count = 0
            }
            if failure == nil, count != size { failure = ParquetDecoding.Malformed(reason: "a page decompressed to \(count) bytes where its header says \(size)") }
            if failure != nil { count = 0 }
        }
        if let failure { throw failure }
        return bytes
    }

    static func snappy(_ input: UnsafeBufferPointer<UInt8>, size: Int) throws(ParquetDecoding.Malformed) -> [UInt8] {
        var claimed = 0
        guard let base = input.baseAddress, snappy_uncompressed_length(base, input.count, &claimed) == SNAPPY_OK, claimed == size else {
            throw ParquetDecoding.Malformed(reason: "a SNAPPY page is damaged or not the size its header says")
        }
        return try output(size) { out throws(ParquetDecoding.Malformed) in
            var length = size
            guard size == 0 || snappy_uncompress(base, input.count, out.baseAddress!, &length) == SNAPPY_OK else {
                throw ParquetDecoding.Malformed(reason: "a SNAPPY page is damaged")
            }
            return length
        }
    }

    static func zstd(_ input: UnsafeBufferPointer<UInt8>, size: Int) throws(ParquetDecoding.Malformed) -> [UInt8] {
        try output(size) { out throws(ParquetDecoding.Malformed) in
            let n = ZSTD_decompress(out.baseAddress, size, input.baseAddress, input.count)
            guard ZSTD_isError(n) == 0 else {
                throw ParquetDecoding.Malformed(reason: "a ZSTD page is damaged (\(String(cString: ZSTD_getErrorName(n))))")
            }
            return n
        }
    }

    /// A gzip stream (RFC 1952) of a known inflated size.
    static func gzip(_ input: UnsafeBufferPointer<UInt8>, size: Int) throws(ParquetDecoding.Malformed) -> [UInt8] {
        try output(size) { out throws(ParquetDecoding.Malformed) in
            var stream = z_stream()
            guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw ParquetDecoding.Malformed(reason: "zlib could not start")
            }
            defer { inflateEnd(&stream) }
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            stream.next_out = out.baseAddress
            stream.avail_out = UInt32(size)
            let status = inflate(&stream, Z_FINISH)
            guard status == Z_STREAM_END || (status == Z_BUF_ERROR && stream.avail_out == 0 && size == 0) else {
                throw ParquetDecoding.Malformed(reason: "a GZIP page is damaged or larger than its header says")
            }
            return size - Int(stream.avail_out)
        }
    }

    /// LZ4's block format (LZ4_RAW): sequences of literals and matches back into the output.
    static func lz4Block(_ input: UnsafeBufferPointer<UInt8>, size: Int) throws(ParquetDecoding.Malformed) -> [UInt8] {
        try output(size) { out throws(ParquetDecoding.Malformed) in try lz4Decode(input, into: out) }
    }

    static func lz4Decode(_ input: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) throws(ParquetDecoding.Malformed) -> Int {
        let damaged = ParquetDecoding.Malformed(reason: "an LZ4 page is damaged or larger than its header says")
        var i = 0, o = 0
        func length(_ start: Int) throws(ParquetDecoding.Malformed) -> Int {
            var n = start
            guard n == 15 else { return n }
            while true {
                guard i < input.count else { throw damaged }
                let b = Int(input[i])
                i += 1
                n += b
                if b != 255 { return n }
            }
        }
        while i < input.count {
            let token = Int(input[i])
            i += 1
            let literals = try length(token >> 4)
            guard literals <= input.count - i, literals <= out.count - o else { throw damaged }
            for k in 0..<literals { out[o + k] = input[i + k] }
            i += literals
            o += literals
            if i == input.count { break }   // the last sequence has literals only
            guard input.count - i >= 2 else { throw damaged }
            let offset = Int(input[i]) | Int(input[i + 1]) << 8
            i += 2
            let match = try length(token & 15) + 4
            guard offset > 0, offset <= o, match <= out.count - o else { throw damaged }
            // Byte by byte: a match may overlap the bytes it is copying.
            for k in 0..<match { out[o + k] = out[o - offset + k] }
            o += match
        }
        return o
    }

    /// The LZ4 codec as Hadoop frames it (4-byte big-endian sizes before each block); files
    /// from writers that wrote a bare block under this codec are read as one.
    static func hadoopLZ4(_ input: UnsafeBufferPointer<UInt8>, size: Int) throws(ParquetDecoding.Malformed) -> [UInt8] {
        func bigEndian(_ at: Int) -> Int { Int(input[at]) << 24 | Int(input[at + 1]) << 16 | Int(input[at + 2]) << 8 | Int(input[at + 3]) }
        let framed: [UInt8]? = try? output(size) { out throws(ParquetDecoding.Malformed) in
            var i = 0, o = 0
            while i < input.count {
                guard input.count - i >= 8 else { throw ParquetDecoding.Malformed(reason: "frame") }
                let raw = bigEndian(i), compressed = bigEndian(i + 4)
                i += 8
                guard raw <= size - o, compressed <= input.count - i else { throw ParquetDecoding.Malformed(reason: "frame") }
                let n = try lz4Decode(UnsafeBufferPointer(rebasing: input[i..<i + compressed]),
                                      into: UnsafeMutableBufferPointer(rebasing: out[o..<o + raw]))
                guard n == raw else { throw ParquetDecoding.Malformed(reason: "frame") }
                i += compressed
                o += raw
            }
            return o
        }
        if let framed { return framed }
        return try lz4Block(input, size: size)
    }
}

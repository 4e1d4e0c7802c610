import CZlib

/// Decompresses gzip data (every member of a multi-member file) with zlib.
enum Gzip {
    static func isCompressed(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// - Parameter limit: the most bytes it may inflate to (the run's memory budget): a 15 MB file
    ///   can hold gigabytes, and must be refused before it is read, not after memory runs out.
    static func decompress(_ input: [UInt8], file: String, limit: Int = Int.max) throws(TabularError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 4)
        var stream = z_stream()
        // 15 + 16: a gzip wrapper, the largest window.
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .notGzip(file: file, reason: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        let failure: String? = input.withUnsafeBufferPointer { inBuffer -> String? in
            stream.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress)
            stream.avail_in = UInt32(inBuffer.count)
            while true {
                let status: Int32 = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = UInt32(outBuffer.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                if output.count + produced > limit { return "over limit" }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END:
                    // Concatenated members (as `cat a.gz b.gz` makes) continue the same file.
                    if stream.avail_in == 0 { return nil }
                    guard inflateReset(&stream) == Z_OK else { return "bad member" }
                case Z_OK:
                    if stream.avail_in == 0 && produced == 0 { return "truncated data" }
                case Z_BUF_ERROR:
                    return "truncated data"
                default:
                    return stream.msg.map { String(cString: $0) } ?? "corrupt data (\(status))"
                }
            }
        }
        if failure == "over limit" {
            throw .tooLarge(file: file, reason: "it inflates to more than \(limit >> 20) MiB, more than this run may hold; commit it uncompressed (in Git LFS) so mlgate can stream it, or raise --memory-limit")
        }
        if let failure { throw .notGzip(file: file, reason: failure) }
        return output
    }
}

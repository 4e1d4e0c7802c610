#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file read front to back through one fixed-size buffer: the streaming passes' only view of
/// a file larger than memory. The caller consumes whole records from `window`; `advance()`
/// moves the unconsumed tail (a partial record) to the front and reads on behind it.
final class FileWindows {
    private let fd: Int32
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private var consumed = 0
    private var filled = 0
    /// Whether the file's last byte is in the buffer.
    private(set) var atEnd = false
    let fileSize: Int

    init(path: String, source: String, windowSize: Int) throws(TabularError) {
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .empty(file: source) }
        var info = stat()
        fileSize = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
        buffer = .allocate(capacity: windowSize)
        refill()
    }

    deinit {
        close(fd)
        buffer.deallocate()
    }

    /// The bytes read and not yet consumed.
    var window: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: buffer[consumed..<filled]) }

    func consume(_ count: Int) { consumed += count }

    /// Reads on; false once the whole file has been consumed.
    func advance() -> Bool {
        if atEnd, consumed >= filled { return false }
        let remainder = filled - consumed
        if remainder > 0 { memmove(buffer.baseAddress!, buffer.baseAddress! + consumed, remainder) }
        filled = remainder
        consumed = 0
        refill()
        return filled > 0
    }

    private func refill() {
        while filled < buffer.count, !atEnd {
            let got = read(fd, buffer.baseAddress! + filled, buffer.count - filled)
            if got <= 0 { atEnd = true } else { filled += got }
        }
    }
}

import Crypto
import Foundation
import GateKit

/// The on-disk artifact cache: `$XDG_CACHE_HOME/mlgate` (or `~/.cache/mlgate`).
///
/// Safe under concurrent runs: an entry is written to a unique temporary file and renamed into
/// place, which is atomic, so a reader sees a whole entry or none. Bounded: after each store
/// the oldest entries (by last use) are removed until the folder holds at most `limit` bytes.
/// Authenticated: each entry ends with an HMAC-SHA256 of its key and content under a secret
/// kept in the folder (0600, made on first use), so an entry edited, truncated or copied in from
/// elsewhere reads as a miss, never as a model.
public struct DirectoryCache: ArtifactCache {
    public let directory: URL
    public let limit: Int

    public static let defaultLimit = 1 << 30

    public init(directory: URL, limit: Int = DirectoryCache.defaultLimit) {
        self.directory = directory
        self.limit = limit
    }

    /// The folder the environment names, following the XDG base directory convention.
    public static func standard(environment: [String: String]) -> DirectoryCache? {
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            return DirectoryCache(directory: URL(fileURLWithPath: xdg).appendingPathComponent("mlgate"))
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return DirectoryCache(directory: URL(fileURLWithPath: home).appendingPathComponent(".cache/mlgate"))
    }

    private func url(_ key: String) -> URL { directory.appendingPathComponent("\(key).entry") }

    public func load(_ key: String) -> [UInt8]? {
        let file = url(key)
        guard var bytes = Self.readWhole(file.path), bytes.count >= Self.tagBytes, let secret = secret(creating: false) else { return nil }
        // The tag closes the entry, so the content is what is left once it is cut off: no copy
        // of an entry that may hold a hundred megabytes of sorted columns.
        let content = bytes.count - Self.tagBytes
        let tag = Array(bytes[content...])
        let expected = bytes.withUnsafeBytes { Self.tag(key, UnsafeRawBufferPointer(rebasing: $0[..<content]), secret: secret) }
        guard expected == tag else { return nil }
        bytes.removeLast(Self.tagBytes)
        // Mark it used, for the eviction order.
        try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: file.path)
        return bytes
    }

    public func contains(_ key: String) -> Bool { FileManager.default.fileExists(atPath: url(key).path) }

    public func store(_ key: String, _ bytes: [UInt8]) {
        let manager = FileManager.default
        guard (try? manager.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])) != nil,
              let secret = secret(creating: true) else { return }
        let temporary = directory.appendingPathComponent(".\(key).\(UUID().uuidString).tmp")
        let tag = bytes.withUnsafeBytes { Self.tag(key, $0, secret: secret) }
        guard Self.write([bytes, tag], to: temporary.path) else {
            try? manager.removeItem(at: temporary)
            return
        }
        if rename(temporary.path, url(key).path) != 0 { try? manager.removeItem(at: temporary) }
        prune()
    }

    /// A file's bytes in one allocation; nil when it cannot be read whole.
    static func readWhole(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size >= 0 else { return nil }
        let size = Int(info.st_size)
        var complete = true
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var done = 0
            while done < size {
                let n = read(fd, buffer.baseAddress! + done, size - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { break }
                done += n
            }
            complete = done == size
            count = done
        }
        return complete ? bytes : nil
    }

    /// Writes `parts` one after the other to a new file (0644, like the entries before).
    static func write(_ parts: [[UInt8]], to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        for part in parts {
            let ok = part.withUnsafeBytes { raw -> Bool in
                var done = 0
                while done < raw.count {
                    let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { return false }
                    done += n
                }
                return true
            }
            guard ok else { return false }
        }
        return true
    }

    static let tagBytes = 32

    static func tag(_ key: String, _ content: UnsafeRawBufferPointer, secret: SymmetricKey) -> [UInt8] {
        var mac = HMAC<SHA256>(key: secret)
        mac.update(data: Array(key.utf8) + [0])
        mac.update(data: content)
        return Array(mac.finalize())
    }

    /// This machine's secret for the entries' tags: 32 random bytes in `.secret`, readable by
    /// its owner only, written once (atomically, so concurrent first runs agree on one).
    private func secret(creating: Bool) -> SymmetricKey? {
        let file = directory.appendingPathComponent(".secret")
        if let data = try? Data(contentsOf: file), data.count == 32 { return SymmetricKey(data: data) }
        guard creating else { return nil }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let temporary = directory.appendingPathComponent(".secret.\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else { return nil }
        // link() fails if another run made the secret first; then theirs is the one.
        _ = link(temporary.path, file.path)
        try? FileManager.default.removeItem(at: temporary)
        guard let data = try? Data(contentsOf: file), data.count == 32 else { return nil }
        return SymmetricKey(data: data)
    }

    private func prune() {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory.path) else { return }
        var entries: [(path: String, size: Int, used: Date)] = []
        for name in names where name.hasSuffix(".entry") {
            let path = directory.appendingPathComponent(name).path
            guard let attributes = try? manager.attributesOfItem(atPath: path) else { continue }
            entries.append((path, (attributes[.size] as? Int) ?? 0, (attributes[.modificationDate] as? Date) ?? .distantPast))
        }
        var total = entries.reduce(0) { $0 + $1.size }
        for entry in entries.sorted(by: { $0.used < $1.used }) where total > limit {
            try? manager.removeItem(atPath: entry.path)
            total -= entry.size
        }
    }
}

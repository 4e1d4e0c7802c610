import Crypto

/// Bytes kept by key across runs, so that the gate never trains twice what it trained before.
///
/// Best effort: a cache that cannot read or write behaves as empty, never as an error.
public protocol ArtifactCache: Sendable {
    func load(_ key: String) -> [UInt8]?
    func store(_ key: String, _ bytes: [UInt8])
    /// Whether an entry is kept under `key`, without reading it (it may still fail to load).
    func contains(_ key: String) -> Bool
    /// Whether what is stored outlives the run (false with `--no-cache`: a run's own memory).
    var isPersistent: Bool { get }
    /// Starts reading the entry under `key` for a `load` to come, so that a large one (a data
    /// profile's sorted columns) is read and authenticated while the run reads its files. A hint:
    /// a cache may ignore it, and `load` answers the same either way.
    func prefetch(_ key: String)
}

extension ArtifactCache {
    public func contains(_ key: String) -> Bool { load(key) != nil }
    public var isPersistent: Bool { true }
    public func prefetch(_ key: String) {}
}

/// A cache key: the SHA-256 of a text naming every input of the cached work. Cryptographic,
/// because a pull request controls the data whose hashes go into keys: it must not be able to
/// craft inputs whose key is the one main's baseline model is stored under.
public enum CacheKey {
    public static func digest(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }
}

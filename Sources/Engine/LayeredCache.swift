import Foundation
import GateKit

/// The cache a run hands its plugins: results kept in memory for the run (so two plugins
/// that need the same model train it once), backed by the on-disk cache unless `--no-cache`.
final class LayeredCache: ArtifactCache, @unchecked Sendable {
    private let lock = NSLock()
    private var memory: [String: [UInt8]] = [:]
    private let disk: DirectoryCache?

    init(disk: DirectoryCache?) { self.disk = disk }

    func load(_ key: String) -> [UInt8]? {
        if let bytes = lock.withLock({ memory[key] }) { return bytes }
        guard let bytes = disk?.load(key) else { return nil }
        if bytes.count <= Self.memoryEntryLimit { lock.withLock { memory[key] = bytes } }
        return bytes
    }

    func store(_ key: String, _ bytes: [UInt8]) {
        // Large entries (a data profile: sorted columns) are read once a run; keeping a copy in
        // memory would only raise the run's peak.
        if bytes.count <= Self.memoryEntryLimit { lock.withLock { memory[key] = bytes } }
        disk?.store(key, bytes)
    }

    func contains(_ key: String) -> Bool {
        lock.withLock { memory[key] != nil } || disk?.contains(key) == true
    }

    var isPersistent: Bool { disk != nil }

    static let memoryEntryLimit = 16 << 20
}

import Foundation
import GateKit

/// The cache a run hands its plugins: results kept in memory for the run (so two plugins
/// that need the same model train it once), backed by the on-disk cache unless `--no-cache`.
final class LayeredCache: ArtifactCache, @unchecked Sendable {
    private let lock = NSLock()
    private var memory: [String: [UInt8]] = [:]
    private let disk: DirectoryCache?
    /// Entries being read from disk ahead of their `load`, each taken by the first load of it.
    private var ahead: [String: ReadAhead] = [:]

    init(disk: DirectoryCache?) { self.disk = disk }

    func load(_ key: String) -> [UInt8]? {
        if let bytes = lock.withLock({ memory[key] }) { return bytes }
        // A read ahead answers for the disk, a miss included: the entry is not read twice.
        let bytes = if let read = lock.withLock({ ahead.removeValue(forKey: key) }) { read.result() } else { disk?.load(key) }
        guard let bytes else { return nil }
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

    func prefetch(_ key: String) {
        guard let disk else { return }
        let read: ReadAhead? = lock.withLock {
            guard memory[key] == nil, ahead[key] == nil else { return nil }
            let read = ReadAhead()
            ahead[key] = read
            return read
        }
        guard let read else { return }
        Thread.detachNewThread { read.finish(disk.load(key)) }
    }

    /// One entry's read on a thread of its own, and what it found (nil: a miss).
    private final class ReadAhead: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var bytes: [UInt8]?

        func finish(_ bytes: [UInt8]?) {
            self.bytes = bytes
            done.signal()
        }

        /// Waits for the read; called once (`load` takes the read out of `ahead` first).
        func result() -> [UInt8]? {
            done.wait()
            return bytes
        }
    }

    static let memoryEntryLimit = 16 << 20
}

import Foundation
import GateKit

/// The on-disk artifact cache: `$XDG_CACHE_HOME/mlgate` (or `~/.cache/mlgate`).
///
/// Safe under concurrent runs: an entry is written to a unique temporary file and renamed into
/// place, which is atomic, so a reader sees a whole entry or none. Bounded: after each store
/// the oldest entries (by last use) are removed until the folder holds at most `limit` bytes.
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
        guard let data = try? Data(contentsOf: file) else { return nil }
        // Mark it used, for the eviction order.
        try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: file.path)
        return [UInt8](data)
    }

    public func store(_ key: String, _ bytes: [UInt8]) {
        let manager = FileManager.default
        guard (try? manager.createDirectory(at: directory, withIntermediateDirectories: true)) != nil else { return }
        let temporary = directory.appendingPathComponent(".\(key).\(UUID().uuidString).tmp")
        guard (try? Data(bytes).write(to: temporary)) != nil else { return }
        if rename(temporary.path, url(key).path) != 0 { try? manager.removeItem(at: temporary) }
        prune()
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

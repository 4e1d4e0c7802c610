import Foundation

/// A side's parsed data files by `data:` key, read when first asked for.
///
/// The baseline's files are read only if a plugin asks for them: when every plugin found what
/// it needs of main's side in the cache (a data profile, a model), a run reads and parses head
/// alone. A file is read once, whichever thread asks first; the others wait for it.
public final class SideData: @unchecked Sendable {
    private let lock = NSLock()
    private var loaded: [String: Table]
    private var pending: [String]
    private let read: @Sendable (String) -> Table?

    /// Files already parsed.
    public init(_ tables: [String: Table]) {
        loaded = tables
        pending = []
        read = { _ in nil }
    }

    /// Files `read` parses on first use; it returns nil for a file the side does not have (or
    /// could not read: the engine then stops the run with the reason).
    public init(reading keys: [String], already tables: [String: Table] = [:], _ read: @escaping @Sendable (String) -> Table?) {
        loaded = tables
        pending = keys.filter { tables[$0] == nil }
        self.read = read
    }

    public func table(_ key: String) -> Table? {
        lock.lock()
        defer { lock.unlock() }
        if let index = pending.firstIndex(of: key) {
            pending.remove(at: index)
            if let table = read(key) { loaded[key] = table }
        }
        return loaded[key]
    }

    /// Every file, each read if it was not yet.
    public var all: [String: Table] {
        lock.lock()
        let keys = pending
        lock.unlock()
        for key in keys { _ = table(key) }
        lock.lock()
        defer { lock.unlock() }
        return loaded
    }

    /// Whether `key` was read (or given) already: for logs and tests, never for results.
    public func isRead(_ key: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return !pending.contains(key)
    }
}

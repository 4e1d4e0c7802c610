import Foundation

/// A side's parsed data files by `data:` key, read when first asked for.
///
/// The baseline's files are read only if a plugin asks for them: when every plugin found what
/// it needs of main's side in the cache (a data profile, a model), a run reads and parses head
/// alone. A file is read once, whichever thread asks first; the others wait for it.
public final class SideData: @unchecked Sendable {
    /// Guards the three fields below; readers of a file being read wait on it.
    private let condition = NSCondition()
    private var loaded: [String: Table]
    private var pending: [String]
    /// Files a thread is reading now, outside `condition`: a file already read is handed out
    /// meanwhile. The reads themselves take `readLock`, one at a time, as the side's snapshot wants.
    private var reading: Set<String> = []
    private let readLock = NSLock()
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
        condition.lock()
        defer { condition.unlock() }
        while reading.contains(key) { condition.wait() }
        if let index = pending.firstIndex(of: key) {
            pending.remove(at: index)
            reading.insert(key)
            condition.unlock()
            readLock.lock()
            let table = read(key)
            readLock.unlock()
            condition.lock()
            reading.remove(key)
            if let table { loaded[key] = table }
            condition.broadcast()
        }
        return loaded[key]
    }

    /// Starts reading `key` on a thread of its own if it is still to be read, for a caller that
    /// will need it after a long computation (a model's fit): inflating and parsing then fill
    /// the moments that computation leaves a core idle. Whoever asks for it waits for that read.
    public func prefetch(_ key: String) {
        condition.lock()
        let wanted = pending.contains(key)
        condition.unlock()
        guard wanted else { return }
        Thread.detachNewThread { [self] in _ = table(key) }
    }

    /// Every file, each read if it was not yet.
    public var all: [String: Table] {
        condition.lock()
        let keys = pending + reading
        condition.unlock()
        for key in keys { _ = table(key) }
        condition.lock()
        defer { condition.unlock() }
        return loaded
    }

    /// Whether `key` was read (or given) already: for logs and tests, never for results.
    public func isRead(_ key: String) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return !pending.contains(key) && !reading.contains(key)
    }
}

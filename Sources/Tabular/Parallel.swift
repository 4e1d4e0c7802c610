import Dispatch

/// Runs independent work items on up to `jobs` threads and returns results in index order, so
/// that what mlgate reports never depends on how many threads computed it.
public enum Parallel {
    public static func map<T: Sendable>(_ count: Int, jobs: Int, _ body: @Sendable (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        if jobs <= 1 || count == 1 { return (0..<count).map(body) }
        let slots = ResultSlots<T>(count: count)
        let workers = Swift.min(jobs, count)
        let next = AtomicCounter()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.increment()
                guard i < count else { return }
                slots.set(i, body(i))
            }
        }
        return slots.values()
    }

    /// Runs `first` on a thread of its own and `second` on the calling thread, and returns both
    /// results. Not as a two-item `map`: GCD gives a parallel loop nested in another its share
    /// of the cores, so each side's own parallel work (parsing a file in chunks) would run on
    /// one core, and a side that finished early would leave its core idle. From two plain
    /// threads, each side's loops may use every core, and the kernel shares them while both run.
    public static func sideBySide<A: Sendable, B: Sendable>(_ first: @escaping @Sendable () -> A, _ second: () -> B) -> (A, B) {
        let slot = ResultSlots<A>(count: 1)
        let box = Unmanaged.passRetained(ThreadBody { slot.set(0, first()) })
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        // Parsing recurses little, but a default secondary stack can be small: ask for 8 MiB.
        pthread_attr_setstacksize(&attributes, 8 << 20)
        var thread = pthread_t()
        let started = pthread_create(&thread, &attributes, { raw in
            let body = Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue()
            body.run()
            return nil
        }, box.toOpaque())
        guard started == 0 else {
            // No thread to be had: one after the other, on this one.
            box.takeRetainedValue().run()
            return (slot.values()[0], second())
        }
        let b = second()
        pthread_join(thread, nil)
        return (slot.values()[0], b)
    }
}

/// A closure handed to a new thread.
private final class ThreadBody: @unchecked Sendable {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

/// One slot per index, each written by exactly one worker.
private final class ResultSlots<T>: @unchecked Sendable {
    private var storage: [T?]
    private let lock = PthreadMutex()

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: T) {
        lock.withLock { storage[index] = value }
    }

    func values() -> [T] { storage.map { $0! } }
}

/// Hands out 0, 1, 2, … to concurrent callers.
private final class AtomicCounter: @unchecked Sendable {
    private var value = 0
    private let lock = PthreadMutex()

    func increment() -> Int {
        lock.withLock {
            defer { value += 1 }
            return value
        }
    }
}

/// A mutex over pthreads, to keep this module free of Foundation.
private final class PthreadMutex: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

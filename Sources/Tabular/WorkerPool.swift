import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Threads kept awake for a run of many short parallel steps (growing trees: thousands of
/// histogram, partition and gradient passes of 50 µs – 5 ms each).
///
/// `Parallel.map` hands work to the system's pool, whose parked threads take 50–90 µs to
/// wake on the virtual machines CI runs on: longer than many steps, so two threads ran them
/// slower than one. A pool's threads instead spin for a short while (`spin`) after each step,
/// ready for the next, and only then sleep. Results come back in index order, as from
/// `Parallel.map`, so nothing depends on how many threads did the work.
public final class WorkerPool: @unchecked Sendable {
    /// Threads doing work, the caller's included.
    public let threads: Int
    private let shared: Shared
    private var workers: [pthread_t] = []

    /// How long an idle thread keeps looking for work before it sleeps.
    static let spin: Duration = .microseconds(200)

    /// - Parameter threads: at most the processors online: a spinning thread with no processor
    ///   of its own would only take time from the others.
    public init(threads: Int) {
        self.threads = max(1, min(threads, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        shared = Shared()
        for _ in 1..<self.threads {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(shared).toOpaque()
            if pthread_create(&thread, nil, { context in
                let shared = Unmanaged<Shared>.fromOpaque(context!).takeRetainedValue()
                shared.serve()
                return nil
            }, context) == 0 {
                workers.append(thread)
            } else {
                Unmanaged<Shared>.fromOpaque(context).release()
            }
        }
    }

    deinit {
        shared.stop()
        for thread in workers { pthread_join(thread, nil) }
    }

    /// `body(0)`, …, `body(count − 1)` on the pool's threads, in index order; on the caller's
    /// thread alone when `parallel` is false or the pool has one thread.
    public func map<T>(_ count: Int, parallel: Bool = true, _ body: @escaping (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        if !parallel || workers.isEmpty || count == 1 { return (0..<count).map(body) }
        let results = UnsafeMutableBufferPointer<T>.allocate(capacity: count)
        defer { results.deallocate() }
        let job = Job(count: count) { i in (results.baseAddress! + i).initialize(to: body(i)) }
        shared.post(job)
        job.work()
        job.waitUntilDone()
        shared.retire(job)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            _ = buffer.moveInitialize(fromContentsOf: results)
            initialized = count
        }
    }
}

/// One parallel step: indices handed out one at a time, counted as they finish.
private final class Job: @unchecked Sendable {
    let count: Int
    let next = Atomic<Int>(0)
    let done = Atomic<Int>(0)
    let body: (Int) -> Void

    init(count: Int, body: @escaping (Int) -> Void) {
        self.count = count
        self.body = body
    }

    func work() {
        while true {
            let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard i < count else { return }
            body(i)
            done.wrappingAdd(1, ordering: .releasing)
        }
    }

    func waitUntilDone() {
        var spins = 0
        while done.load(ordering: .acquiring) < count {
            spins += 1
            // A thread still at work may be waiting for this processor.
            if spins & 1023 == 0 { sched_yield() }
        }
    }
}

/// What the pool's threads share: the current job, a generation number bumped for each, and
/// a condition to sleep on.
private final class Shared: @unchecked Sendable {
    private let generation = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    private var job: Job?
    private var sleepers = 0

    init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
    }

    deinit {
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }

    func post(_ job: Job) {
        pthread_mutex_lock(&mutex)
        self.job = job
        generation.wrappingAdd(1, ordering: .releasing)
        if sleepers > 0 { pthread_cond_broadcast(&condition) }
        pthread_mutex_unlock(&mutex)
    }

    func retire(_ job: Job) {
        pthread_mutex_lock(&mutex)
        if self.job === job { self.job = nil }
        pthread_mutex_unlock(&mutex)
    }

    func stop() {
        pthread_mutex_lock(&mutex)
        stopping.store(true, ordering: .releasing)
        pthread_cond_broadcast(&condition)
        pthread_mutex_unlock(&mutex)
    }

    /// A worker thread's life: wait for a new generation (spinning, then asleep), help with its job.
    func serve() {
        var seen = 0
        let clock = ContinuousClock()
        while true {
            var idleSince: ContinuousClock.Instant?
            var spins = 0
            while generation.load(ordering: .acquiring) == seen, !stopping.load(ordering: .acquiring) {
                spins += 1
                guard spins & 1023 == 0 else { continue }
                sched_yield()
                let now = clock.now
                if idleSince == nil { idleSince = now }
                if now - idleSince! > WorkerPool.spin { sleep(whileAt: seen) }
            }
            if stopping.load(ordering: .acquiring) { return }
            pthread_mutex_lock(&mutex)
            seen = generation.load(ordering: .acquiring)
            let current = job
            pthread_mutex_unlock(&mutex)
            current?.work()
        }
    }

    private func sleep(whileAt seen: Int) {
        pthread_mutex_lock(&mutex)
        sleepers += 1
        while generation.load(ordering: .acquiring) == seen, !stopping.load(ordering: .acquiring) {
            pthread_cond_wait(&condition, &mutex)
        }
        sleepers -= 1
        pthread_mutex_unlock(&mutex)
    }
}

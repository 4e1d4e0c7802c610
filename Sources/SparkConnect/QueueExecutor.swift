import Dispatch

/// Runs the jobs of the tasks that prefer it on a dispatch queue of its own, off Swift's
/// cooperative pool.
///
/// The engine is synchronous: a thread that asks Spark something waits for the answer. If the
/// gRPC call it waits for ran on the cooperative pool, a process whose pool threads are all
/// waiting like this (two of them on a 2-core runner; a test process running several Spark
/// checks at once) would have no thread left to run the calls, and every call would sit until
/// its deadline. A serial queue per call keeps the calls moving whatever the pool is doing;
/// the sockets themselves are driven by NIO's event-loop threads, so one queue is enough.
final class QueueExecutor: TaskExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}

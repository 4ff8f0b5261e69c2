import Foundation

/// Threads of their own for the servers tests start in this process. Swift Testing runs test bodies
/// on the cooperative pool, which has one thread per core; two tests busy with synchronous work
/// (validating a suite, generating CDRs) would otherwise hold every thread, and an in-process
/// server's Hummingbird tasks could not answer until they let go: a raw client then times out
/// mid-answer. Servers run with this executor as their task executor preference, which their child
/// tasks inherit, as a separate `fakepbx serve` process would have the pool to itself.
public final class ServerExecutor: TaskExecutor, @unchecked Sendable {
    /// The executor every test server shares.
    public static let shared = ServerExecutor(threads: 4)

    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var jobs: [UnownedJob] = []

    private init(threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [unowned self] in run() }
            thread.name = "test-server-\(index)"
            thread.start()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func run() -> Never {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

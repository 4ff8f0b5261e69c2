import Foundation

/// Threads of their own for work that must not wait for Swift's cooperative pool, which has one
/// thread per core: two tests busy with synchronous work (validating a suite, generating CDRs) hold
/// every thread of it. A stress run showed a test body resumed 48 s late, and servers answering
/// seconds late, while such tests ran.
///
/// Tasks run here by task executor preference, which their child tasks inherit.
public final class ThreadPoolExecutor: TaskExecutor, @unchecked Sendable {
    /// For the servers tests start in this process, as a `fakepbx serve` process would have its
    /// own pool.
    public static let servers = ThreadPoolExecutor(name: "test-server", threads: 4)
    /// For the tasks that wait for the programs tests start: a child's exit is recorded when its
    /// task resumes, which must not wait behind a busy server's work.
    public static let processes = ThreadPoolExecutor(name: "test-process", threads: 2)

    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var jobs: [UnownedJob] = []

    private init(name: String, threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [unowned self] in run() }
            thread.name = "\(name)-\(index)"
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

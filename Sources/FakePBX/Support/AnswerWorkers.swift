import NIOCore
import NIOPosix

/// The threads that do an answer's CPU-bound work (CDR selection and rendering), off the event loops.
enum AnswerWorkers {
    /// Wider than the machine on purpose. The work is CPU-bound, but a pool as wide as the cores
    /// (Dispatch's global queues, NIO's shared pool) queues a short request, a page of CDRs or a bad
    /// date, behind long exports for as long as they take: a thread dump of a stalled test run showed
    /// both of Dispatch's two workers on one export and one `get_cdr_data`, and every other CDR
    /// request waiting over 10 s. With more threads than cores the system shares the cores among
    /// them instead. Bounded, so a flood of exports queues rather than starting threads without end.
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: max(8, 4 * System.coreCount))
        pool.start()
        return pool
    }()
}

/// Runs CPU-bound `work` on ``AnswerWorkers`` and waits for it, so it holds up no event loop.
/// The wait is not cancellable: keep each piece of work short (a batch, one request).
func offTheEventLoop<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    do {
        return try await AnswerWorkers.pool.runIfActive(work)
    } catch {
        return work()  // the pool is never shut down; should it be, the work is still done
    }
}

import NIOPosix

/// Runs CPU-bound `work` on NIO's shared thread pool (`NIOThreadPool.singleton`) and waits for it.
///
/// Long synchronous work in a task would hold up every connection on its event loop; the pool's
/// threads use the other cores instead. Not Dispatch's global queues: they start no more threads
/// than there are cores while theirs are busy, so work queued there waits behind whatever else the
/// process queued (in the test process, tests parsing megabytes), and a CDR answer came seconds late.
/// The wait is not cancellable: keep each piece of work short (a batch, one request).
func offTheEventLoop<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    do {
        return try await NIOThreadPool.singleton.runIfActive(work)
    } catch {
        return work()  // the shared pool is never shut down; should it be, the work still gets done
    }
}

import Dispatch

/// Runs CPU-bound `work` on a Dispatch worker at utility priority and waits for it.
///
/// `fakepbx serve` runs Swift tasks on NIO's event loops, so long synchronous work in a task would
/// hold up every connection on its loop; a Dispatch worker uses a spare core instead, and at utility
/// priority it never starves the loops (a user-initiated worker outranks them on Linux). The wait is
/// not cancellable: keep each piece of work short (a batch, one request).
func offTheEventLoop<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global(qos: .utility).async { continuation.resume(returning: work()) }
    }
}

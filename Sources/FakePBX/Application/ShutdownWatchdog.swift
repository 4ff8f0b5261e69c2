import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Holds `fakepbx serve` to its promised stop: once SIGTERM or SIGINT arrives, the process ends
/// within `bound` even if the graceful shutdown is stuck (an event loop busy with a request, a
/// read of an input file that never returns). A second signal ends it at once.
///
/// It watches on a Dispatch queue of its own, which gets a thread when it needs one: nothing the
/// server's event loops or the cooperative pool are doing can hold it up. ServiceLifecycle's
/// handler still receives the same signals (Dispatch delivers a signal to every source that
/// watches it) and runs the graceful shutdown; the watchdog only acts if that does not finish.
public final class ShutdownWatchdog {
    /// Why the watchdog ended the process.
    public enum Expiry: Sendable, Equatable {
        /// The graceful shutdown ran past its bound.
        case boundReached
        /// A second signal came while stopping.
        case secondSignal
    }

    private let sources: [any DispatchSourceSignal]

    /// The signals counted so far, and whether `expire` was called.
    private final class State: Sendable {
        let signals = Mutex(0)
        let fired = Mutex(false)
    }

    /// Starts watching `signals` and returns once Dispatch has registered them: a signal sent
    /// after this returns is seen. They are ignored until then (Dispatch installs its own handler).
    /// - Parameters:
    ///   - bound: How long a stop may take after the first signal.
    ///   - expire: Ends the process; called at most once, on the watchdog's queue.
    public init(signals: [Int32], bound: Duration, expire: @escaping @Sendable (Expiry) -> Void) async {
        let queue = DispatchQueue(label: "fakepbx.shutdown-watchdog")
        let state = State()
        let once: @Sendable (Expiry) -> Void = { reason in
            guard
                state.fired.withLock({ done in
                    defer { done = true }
                    return !done
                })
            else { return }
            expire(reason)
        }
        let (registered, registration) = AsyncStream<Void>.makeStream()
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                let count = state.signals.withLock { count in
                    count += Int(source.data)
                    return count
                }
                if count > 1 {
                    once(.secondSignal)
                } else {
                    let (seconds, attoseconds) = bound.components
                    let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
                    queue.asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { once(.boundReached) }
                }
            }
            source.setRegistrationHandler { registration.yield() }
            source.activate()
            return source
        }
        for await _ in registered.prefix(signals.count) {}
    }

    deinit {
        for source in sources { source.cancel() }
    }

    /// Ends the process now, as a stop that did not finish in time: the port files are removed
    /// (they exist exactly while the server listens) and the exit status is 0, as after any signal.
    public static func exitNow(_ reason: Expiry, bound: Duration, portFiles: [String]) -> Never {
        for file in portFiles { unlink(file) }
        let message =
            switch reason {
            case .boundReached: "fakepbx: the graceful stop did not finish within \(bound); stopped without it\n"
            case .secondSignal: "fakepbx: a second signal while stopping; stopped at once\n"
            }
        _ = message.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
        _exit(0)
    }
}

import FakePBX
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The watchdog that holds `fakepbx serve` to its stop bound, on signals no other test uses.
@Suite("Shutdown watchdog")
struct ShutdownWatchdogTests {
    /// Signals `signalNumber` to this process, once or (`repeating`) until the watchdog acts, and
    /// returns what it decided. Signals sent close together merge into one, hence the repeats.
    private func expiry(bound: Duration, signalNumber: Int32, repeating: Bool) async throws -> ShutdownWatchdog.Expiry? {
        let (expiries, continuation) = AsyncStream<ShutdownWatchdog.Expiry>.makeStream()
        let watchdog = await ShutdownWatchdog(signals: [signalNumber], bound: bound) { continuation.yield($0) }
        defer { withExtendedLifetime(watchdog) {} }
        kill(getpid(), signalNumber)
        let sender = Task {
            while repeating, !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(50))
                kill(getpid(), signalNumber)
            }
        }
        defer { sender.cancel() }
        // A hang bound only; the watchdog acts at the second signal or after `bound`.
        return try await firstElement(of: expiries, within: .seconds(60))
    }

    @Test("after the first signal it ends the process once the bound has passed")
    func boundReached() async throws {
        #expect(try await expiry(bound: .milliseconds(100), signalNumber: SIGUSR1, repeating: false) == .boundReached)
    }

    @Test("a second signal ends it at once, however long the bound")
    func secondSignal() async throws {
        #expect(try await expiry(bound: .seconds(3600), signalNumber: SIGUSR2, repeating: true) == .secondSignal)
    }
}

/// The first element `stream` yields, or nil if none comes within `bound`.
private func firstElement<T: Sendable>(of stream: AsyncStream<T>, within bound: Duration) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { await stream.first { _ in true } }
        group.addTask {
            try await Task.sleep(for: bound)
            return nil
        }
        let first = try await group.next() ?? nil
        group.cancelAll()
        return first
    }
}

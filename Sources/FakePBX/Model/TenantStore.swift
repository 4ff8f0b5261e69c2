import Foundation
import Synchronization

/// The live tenant model, shared by every request. Reads and writes are serialised by a mutex; each
/// write either completes or changes nothing.
public final class TenantStore: Sendable {
    private let state: Mutex<(dataset: Dataset, counts: StatusCounts)>
    /// The (virtual) time of a write, for registrations outliving their extension.
    private let now: @Sendable () -> Int

    /// The dataset the server started with, for `POST /__fakepbx/reset?dataset=initial`.
    public let initial: Dataset

    public init(_ dataset: Dataset, now: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }) {
        var dataset = dataset
        dataset.settleRegistrations()
        self.state = Mutex((dataset, StatusCounts(dataset)))
        self.initial = dataset
        self.now = now
    }

    /// Puts back the dataset the server started with, dropping every change made since.
    public func restoreInitial() { state.withLock { $0 = (initial, StatusCounts(initial)) } }

    /// A copy of the whole model.
    public var snapshot: Dataset { state.withLock { $0.dataset } }

    /// The counts `status/index.php` answers with, kept up to date by every write rather than
    /// worked out per request.
    public var statusCounts: StatusCounts { state.withLock { $0.counts } }

    /// Runs `body` with read access.
    public func read<T: Sendable>(_ body: (borrowing Dataset) throws -> T) throws -> T {
        try state.withLock { state throws -> T in try body(state.dataset) }
    }

    /// Runs `body` on a copy and stores the copy only if `body` succeeds, so a failed write changes nothing.
    public func write<T: Sendable>(_ body: (inout Dataset) throws -> T) throws -> T {
        try state.withLock { state throws -> T in
            var copy = state.dataset
            let result = try body(&copy)
            copy.reconcileRegistrations(now: now())
            state = (copy, StatusCounts(copy))
            return result
        }
    }
}

/// What `status/index.php` counts: extensions, live registrations and active calls in enabled domains.
public struct StatusCounts: Sendable, Hashable {
    public let extensions: Int
    public let activeCalls: Int
    /// Registrations of enabled extensions: live whatever the time.
    let registeredForGood: Int
    /// When each registration of a disabled extension expires (see ``Registration/lingersUntil``).
    let lingering: [Int]

    init(_ dataset: Dataset) {
        let enabledDomains = Set(dataset.domains.filter(\.enabled).map(\.name))
        extensions = dataset.extensions.count
        activeCalls = dataset.activeCalls.filter { enabledDomains.contains($0.domainName) }.count
        registeredForGood = dataset.registrations.filter { $0.lingersUntil == nil }.count
        lingering = dataset.registrations.compactMap(\.lingersUntil)
    }

    /// Live registrations at `now`.
    public func registered(at now: Int) -> Int { registeredForGood + lingering.filter { now < $0 }.count }
}

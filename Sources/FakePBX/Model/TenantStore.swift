import Foundation

/// The live tenant model, shared by every request. Each write publishes a new immutable snapshot
/// (with the counts `status/index.php` answers with), which a read takes with one atomic load and no
/// lock; writes are serialised, and each either completes or changes nothing.
public final class TenantStore: Sendable {
    private struct State: Sendable {
        var dataset: Dataset
        var counts: StatusCounts
        init(_ dataset: Dataset) {
            self.dataset = dataset
            counts = StatusCounts(dataset)
        }
    }

    private let state: Published<State>
    /// The (virtual) time of a write, for registrations outliving their extension.
    private let now: @Sendable () -> Int

    /// The dataset the server started with, for `POST /__fakepbx/reset?dataset=initial`.
    public let initial: Dataset

    public init(_ dataset: Dataset, now: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }) {
        var dataset = dataset
        dataset.settleRegistrations()
        self.state = Published(State(dataset))
        self.initial = dataset
        self.now = now
    }

    /// Puts back the dataset the server started with, dropping every change made since.
    public func restoreInitial() { state.update { $0 = State(initial) } }

    /// The whole model as last written.
    public var snapshot: Dataset { state.value.dataset }

    /// The counts `status/index.php` answers with, kept up to date by every write rather than
    /// worked out per request.
    public var statusCounts: StatusCounts { state.value.counts }

    /// Runs `body` on the model as last written.
    public func read<T: Sendable>(_ body: (borrowing Dataset) throws -> T) throws -> T {
        try body(state.value.dataset)
    }

    /// Runs `body` on a copy and publishes the copy only if `body` succeeds, so a failed write changes nothing.
    public func write<T: Sendable>(_ body: (inout Dataset) throws -> T) throws -> T {
        try state.update { state throws -> T in
            var copy = state.dataset
            let result = try body(&copy)
            copy.reconcileRegistrations(now: now())
            state = State(copy)
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

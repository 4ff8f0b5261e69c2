import Foundation
import Synchronization

/// The live tenant model, shared by every request. Reads and writes are serialised by a mutex; each
/// write either completes or changes nothing.
public final class TenantStore: Sendable {
    private let state: Mutex<Dataset>
    /// The (virtual) time of a write, for registrations outliving their extension.
    private let now: @Sendable () -> Int

    /// The dataset the server started with, for `POST /__fakepbx/reset?dataset=initial`.
    public let initial: Dataset

    public init(_ dataset: Dataset, now: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }) {
        var dataset = dataset
        dataset.settleRegistrations()
        self.state = Mutex(dataset)
        self.initial = dataset
        self.now = now
    }

    /// Puts back the dataset the server started with, dropping every change made since.
    public func restoreInitial() { state.withLock { $0 = initial } }

    /// A copy of the whole model.
    public var snapshot: Dataset { state.withLock { $0 } }

    /// Runs `body` with read access.
    public func read<T: Sendable>(_ body: (borrowing Dataset) throws -> T) throws -> T {
        try state.withLock { dataset throws -> T in try body(dataset) }
    }

    /// Runs `body` on a copy and stores the copy only if `body` succeeds, so a failed write changes nothing.
    public func write<T: Sendable>(_ body: (inout Dataset) throws -> T) throws -> T {
        try state.withLock { dataset throws -> T in
            var copy = dataset
            let result = try body(&copy)
            copy.reconcileRegistrations(now: now())
            dataset = copy
            return result
        }
    }
}

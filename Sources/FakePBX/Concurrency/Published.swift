import Atomics
import Synchronization

/// A value read on every request and written rarely: readers take it with one atomic load and no
/// lock; a writer replaces it whole, writers one at a time.
final class Published<Value: Sendable>: Sendable {
    private final class Box: AtomicReference, Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    private let current: ManagedAtomic<Box>
    private let writer = Mutex<Void>(())

    init(_ value: Value) { current = ManagedAtomic(Box(value)) }

    /// The value last published.
    var value: Value { current.load(ordering: .acquiring).value }

    /// Publishes what `body` makes of the current value; if `body` throws, nothing changes.
    func update<T: Sendable, E: Error>(_ body: (inout Value) throws(E) -> T) throws(E) -> T {
        try writer.withLock { _ throws(E) -> T in
            var value = current.load(ordering: .relaxed).value
            let result = try body(&value)
            current.store(Box(value), ordering: .releasing)
            return result
        }
    }
}

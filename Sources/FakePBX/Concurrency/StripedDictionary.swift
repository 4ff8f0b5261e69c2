import Synchronization

/// A dictionary split into stripes by key hash, each behind its own lock, so that the counters of
/// different clients (rate-limit windows, jail failures) are not counted under one global lock.
final class StripedDictionary<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private final class Stripe: Sendable {
        let entries = Mutex<[Key: Value]>([:])
    }

    private let stripes: [Stripe]

    init(stripes count: Int = 16) { stripes = (0..<max(1, count)).map { _ in Stripe() } }

    private func stripe(for key: Key) -> Stripe {
        stripes[Int(UInt(bitPattern: key.hashValue) % UInt(stripes.count))]
    }

    /// Runs `body` on the entry for `key` (`nil` when absent; set it to `nil` to remove it), under
    /// that key's stripe lock only.
    func withEntry<T: Sendable>(_ key: Key, _ body: (inout Value?) -> T) -> T {
        stripe(for: key).entries.withLock { body(&$0[key]) }
    }

    /// Every entry, stripe by stripe (each stripe consistent in itself).
    var entries: [(key: Key, value: Value)] {
        stripes.flatMap { stripe in stripe.entries.withLock { Array($0.map { (key: $0.key, value: $0.value) }) } }
    }

    /// Removes the entries whose key matches.
    func removeAll(where matches: (Key) -> Bool) {
        for stripe in stripes { stripe.entries.withLock { $0 = $0.filter { !matches($0.key) } } }
    }
}

import Synchronization

/// The journal's live feed: every entry recorded, handed to each open subscription
/// (`GET /__fakepbx/events`). While nobody listens, recording costs one atomic load more. Under load
/// a subscription hands over everything recorded since its last read at once, so a stream writes
/// many events in one write rather than one write each.
final class JournalFeed: Sendable {
    /// What a subscriber is handed: an entry, or a heartbeat that keeps the connection (and any
    /// proxy on the way) alive and lets a stream whose reader has gone notice it.
    enum Item: Sendable {
        case entry(RequestJournal.Entry)
        case heartbeat
    }

    /// Entries a subscription holds for a slow reader before the oldest are dropped.
    static let backlog = 1_000

    /// The shortest time between two writes of one stream. A quiet server's entries go out at once;
    /// under load a stream writes every 25 ms with everything recorded meanwhile, so an open
    /// dashboard costs one write per interval rather than one per request.
    static let writeInterval: Duration = .milliseconds(25)

    /// One open stream's pending items, and the wake-up its reader waits on.
    final class Subscription: Sendable {
        private let pending = Mutex<[Item]>([])
        /// Whether a wake-up is already on its way: recording then skips the stream's own lock.
        private let woken = Atomic<Bool>(false)
        private let wakes: AsyncStream<Void>
        fileprivate let wake: AsyncStream<Void>.Continuation

        fileprivate init() {
            (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        }

        fileprivate func add(_ item: Item) {
            pending.withLock { items in
                if items.count >= JournalFeed.backlog { items.removeFirst(items.count - JournalFeed.backlog + 1) }
                items.append(item)
            }
            if !woken.exchange(true, ordering: .acquiringAndReleasing) { wake.yield() }
        }

        /// Wakes the reader when items are pending; it ends when the feed ends this subscription
        /// (the server is stopping). Read it with one `for await` loop, taking the items each time.
        var wakeUps: AsyncStream<Void> { wakes }

        /// Ends the subscription (its reader is done): the feed forgets it.
        func close() { wake.finish() }

        /// Everything recorded since the last call.
        func take() -> [Item] {
            woken.store(false, ordering: .releasing)
            return pending.withLock { items in
                defer { items = [] }
                return items
            }
        }
    }

    private let subscriptions = Mutex<(next: Int, open: [Int: Subscription])>((0, [:]))
    private let listening = Atomic<Bool>(false)

    /// Whether any stream is open.
    var isListening: Bool { listening.load(ordering: .relaxed) }

    /// A subscription to the entries recorded from now on; it ends when its reader stops reading.
    func subscribe() -> Subscription {
        let subscription = Subscription()
        let id = subscriptions.withLock { state in
            state.next += 1
            state.open[state.next] = subscription
            listening.store(true, ordering: .relaxed)
            return state.next
        }
        subscription.wake.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        return subscription
    }

    private func unsubscribe(_ id: Int) {
        subscriptions.withLock { state in
            state.open[id] = nil
            listening.store(!state.open.isEmpty, ordering: .relaxed)
        }
    }

    /// Hands `entry` to every open subscription.
    func publish(_ entry: RequestJournal.Entry) { each { $0.add(.entry(entry)) } }

    /// Hands every open subscription a heartbeat.
    func heartbeat() { each { $0.add(.heartbeat) } }

    private func each(_ body: (Subscription) -> Void) {
        subscriptions.withLock { state in
            for subscription in state.open.values { body(subscription) }
        }
    }

    /// Ends every open subscription (the server is stopping).
    func finishAll() {
        let open = subscriptions.withLock { state in
            defer { state.open = [:] }
            return Array(state.open.values)
        }
        listening.store(false, ordering: .relaxed)
        for subscription in open { subscription.wake.finish() }
    }
}

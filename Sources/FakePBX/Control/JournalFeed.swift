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

        /// About what it holds, for the backlog's bound: its fields, and a little for the rest.
        var size: Int {
            guard case .entry(let entry) = self else { return 16 }
            return entry.fields.reduce(256) { $0 + $1.key.utf8.count + $1.value.utf8.count } + entry.query.utf8.count
        }
    }

    /// Entries a subscription holds for a slow reader before the oldest half is dropped.
    static let backlog = 1_000
    /// Bytes of fields a subscription holds for a slow reader before the oldest half is dropped.
    static let backlogBytes = 4 << 20
    /// Streams one server keeps open; one more is refused, so open streams cannot slow the API.
    static let maxSubscriptions = 64

    /// The shortest time between two writes of one stream. A quiet server's entries go out at once;
    /// under load a stream writes every 25 ms with everything recorded meanwhile, so an open
    /// dashboard costs one write per interval rather than one per request.
    static let writeInterval: Duration = .milliseconds(25)

    /// One open stream's pending items, and the wake-up its reader waits on.
    final class Subscription: Sendable {
        /// The items, their fields' bytes, and how many were dropped since the last take.
        private let pending = Mutex<(items: [Item], bytes: Int, dropped: Int)>(([], 0, 0))
        /// Whether a wake-up is already on its way: recording then skips the stream's own lock.
        private let woken = Atomic<Bool>(false)
        private let wakes: AsyncStream<Void>
        fileprivate let wake: AsyncStream<Void>.Continuation

        fileprivate init() {
            (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        }

        fileprivate func add(_ item: Item) {
            pending.withLock { pending in
                // Past a bound the oldest half goes at once, so a reader that does not read costs each
                // request a constant, not a shift of the whole backlog.
                if pending.items.count >= JournalFeed.backlog || pending.bytes > JournalFeed.backlogBytes {
                    let half = pending.items.count / 2
                    pending.bytes -= pending.items[..<half].reduce(0) { $0 + $1.size }
                    pending.items.removeFirst(half)
                    pending.dropped += half
                }
                pending.items.append(item)
                pending.bytes += item.size
            }
            if !woken.exchange(true, ordering: .acquiringAndReleasing) { wake.yield() }
        }

        /// Wakes the reader when items are pending; it ends when the feed ends this subscription
        /// (the server is stopping). Read it with one `for await` loop, taking the items each time.
        var wakeUps: AsyncStream<Void> { wakes }

        /// Ends the subscription (its reader is done): the feed forgets it.
        func close() { wake.finish() }

        /// Everything recorded since the last call, and how many items were dropped before it
        /// because the reader was slower than the journal.
        func take() -> (items: [Item], dropped: Int) {
            woken.store(false, ordering: .releasing)
            return pending.withLock { pending in
                defer { pending = ([], 0, 0) }
                return (pending.items, pending.dropped)
            }
        }
    }

    private let subscriptions = Mutex<(next: Int, open: [Int: Subscription])>((0, [:]))
    private let listening = Atomic<Bool>(false)

    /// Whether any stream is open.
    var isListening: Bool { listening.load(ordering: .relaxed) }

    /// A subscription to the entries recorded from now on; it ends when its reader stops reading.
    /// Nil when ``maxSubscriptions`` are open.
    func subscribe() -> Subscription? {
        let subscription = Subscription()
        let id: Int? = subscriptions.withLock { state in
            guard state.open.count < JournalFeed.maxSubscriptions else { return nil }
            state.next += 1
            state.open[state.next] = subscription
            listening.store(true, ordering: .relaxed)
            return state.next
        }
        guard let id else { return nil }
        subscription.wake.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        return subscription
    }

    private func unsubscribe(_ id: Int) {
        subscriptions.withLock { state in
            state.open[id] = nil
            listening.store(!state.open.isEmpty, ordering: .relaxed)
        }
    }

    /// Hands `entry` to every open subscription, without the answer it keeps (a stream does not
    /// show it, and a slow reader's backlog would hold 16 KiB of each).
    func publish(_ entry: RequestJournal.Entry) {
        var entry = entry
        entry.answer = nil
        each { $0.add(.entry(entry)) }
    }

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

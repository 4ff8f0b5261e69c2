import Synchronization

/// The journal's live feed: every entry recorded, handed to each open subscriber
/// (`GET /__fakepbx/events`). While nobody listens, recording costs one atomic load more.
final class JournalFeed: Sendable {
    /// What a subscriber is handed: an entry, or a heartbeat that keeps the connection (and any
    /// proxy on the way) alive and lets a stream whose reader has gone notice it.
    enum Item: Sendable {
        case entry(RequestJournal.Entry)
        case heartbeat
    }

    /// Seconds between heartbeats.
    static let heartbeatInterval: Duration = .seconds(15)

    /// Entries an open stream may hold for a slow reader before the oldest are dropped.
    static let backlog = 1_000

    private let subscribers = Mutex<(next: Int, continuations: [Int: AsyncStream<Item>.Continuation])>((0, [:]))
    private let listening = Atomic<Bool>(false)

    /// Whether any stream is open.
    var isListening: Bool { listening.load(ordering: .relaxed) }

    /// A stream of the entries recorded from now on; it ends when the caller stops iterating.
    func subscribe() -> AsyncStream<Item> {
        let (stream, continuation) = AsyncStream.makeStream(of: Item.self, bufferingPolicy: .bufferingNewest(Self.backlog))
        let id = subscribers.withLock { state in
            state.next += 1
            state.continuations[state.next] = continuation
            listening.store(true, ordering: .relaxed)
            return state.next
        }
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        return stream
    }

    private func unsubscribe(_ id: Int) {
        subscribers.withLock { state in
            state.continuations[id] = nil
            listening.store(!state.continuations.isEmpty, ordering: .relaxed)
        }
    }

    /// Hands `entry` to every open stream.
    func publish(_ entry: RequestJournal.Entry) {
        subscribers.withLock { state in
            for continuation in state.continuations.values { continuation.yield(.entry(entry)) }
        }
    }

    /// Hands every open stream a heartbeat.
    func heartbeat() {
        subscribers.withLock { state in
            for continuation in state.continuations.values { continuation.yield(.heartbeat) }
        }
    }

    /// Ends every open stream (the server is stopping).
    func finishAll() {
        let open = subscribers.withLock { state in
            defer { state.continuations = [:] }
            return Array(state.continuations.values)
        }
        listening.store(false, ordering: .relaxed)
        for continuation in open { continuation.finish() }
    }
}

import NIOCore
import NIOHTTP1

/// The life of one HTTP/1.x connection, as RFC 9112 §9 describes it, with no I/O in it: what to do
/// with each request part read and each answer part written, and when the connection has been
/// silent too long. ``ConnectionLifecycle`` feeds it from the channel; tests feed it times.
///
/// - A request that asks to close (`Connection: close`, or HTTP/1.0 without `keep-alive`) is the
///   last one read; its answer says `Connection: close` and the connection is half-closed after it.
/// - An answer goes out in the request's HTTP version, so a 1.0 client never gets a chunked answer:
///   an answer of unknown length to it is delimited by closing the connection.
/// - Idle time counts from the last part in or out, on any entry point, once a first request has
///   come; an answer in progress is never idle. Until then the header timeout alone applies, as
///   nginx's `keepalive_timeout` applies only between requests (a slow TLS handshake is not idleness).
///   The header timeout counts from connecting or from the previous answer.
struct ConnectionState {
    struct Timeouts: Sendable {
        /// How long a connection may take to send a complete request head (`--header-timeout`).
        var header: TimeAmount
        /// How long a connection may stay silent with no answer in progress (`--idle-timeout`).
        var idle: TimeAmount
    }

    /// A request whose answer has not ended yet.
    private struct Exchange {
        var version: HTTPVersion
        /// The connection closes once this answer has been sent.
        var closes: Bool
    }

    let timeouts: Timeouts
    /// Requests read and not yet answered, oldest first (pipelined requests are answered in order).
    private var pending: [Exchange] = []
    /// A request head was read and its end not yet.
    private(set) var readingRequest = false
    /// No request after the current ones is read: one asked to close, or the server is stopping.
    private(set) var closing = false
    private var quiescing = false
    /// The last part in or out; nil until the first request's head (see the type's notes).
    private var lastActivity: NIODeadline?
    /// Since when a request head is awaited: connecting, or the previous answer with none pending.
    private var waitingForHeadSince: NIODeadline?

    init(timeouts: Timeouts, now: NIODeadline) {
        self.timeouts = timeouts
        self.waitingForHeadSince = now
    }

    /// Whether a request part read is handed on or dropped (it came after a request that closes).
    enum ReadAction: Equatable { case forward, discard }

    mutating func headRead(version: HTTPVersion, keepAlive: Bool, now: NIODeadline) -> ReadAction {
        guard !closing else { return .discard }
        lastActivity = now
        waitingForHeadSince = nil
        readingRequest = true
        pending.append(Exchange(version: version, closes: !keepAlive))
        if !keepAlive { closing = true }
        return .forward
    }

    mutating func partRead(isEnd: Bool, now: NIODeadline) -> ReadAction {
        guard readingRequest else { return .discard }
        lastActivity = now
        if isEnd { readingRequest = false }
        return .forward
    }

    /// How an answer's head is sent.
    struct Framing: Equatable {
        /// The request's version: a 1.0 client gets a 1.0 answer (never chunked).
        var version: HTTPVersion
        /// The `Connection` header to set, if any.
        var connection: String?
        /// A `100 Continue` for a 1.0 client, which must not get one (RFC 9110 §15.2).
        var drop = false
    }

    /// - Parameters:
    ///   - hasLength: The answer says its length (else it is chunked, or for 1.0 delimited by closing).
    ///   - closes: The answer itself says `Connection: close` (a request refused before its body was read).
    mutating func responseHead(status: HTTPResponseStatus, hasLength: Bool, closes: Bool = false, now: NIODeadline) -> Framing {
        lastActivity = now
        guard !pending.isEmpty else {
            // An answer to no request (400 for bytes that did not parse): the last one.
            closing = true
            pending.append(Exchange(version: .http1_1, closes: true))
            return Framing(version: .http1_1, connection: "close")
        }
        let exchange = pending[0]
        if (100..<200).contains(status.code) {
            return Framing(version: exchange.version, connection: nil, drop: exchange.version.minor == 0)
        }
        let isOneZero = exchange.version.major == 1 && exchange.version.minor == 0
        let delimitedByClose = isOneZero && !hasLength && status.mayHaveResponseBody
        if delimitedByClose || quiescing || closes { pending[0].closes = true }
        if pending[0].closes {
            closing = true
            return Framing(version: exchange.version, connection: "close")
        }
        return Framing(version: exchange.version, connection: isOneZero ? "keep-alive" : nil)
    }

    mutating func responseBody(now: NIODeadline) { lastActivity = now }

    /// What follows an answer's end.
    enum EndAction: Equatable {
        case none
        /// Send FIN: the client reads the end at once, whoever else holds the socket.
        case halfClose
        /// Close it whole: nothing is left to send (the server is stopping, or the client left).
        case close
    }

    mutating func responseEnd(now: NIODeadline) -> EndAction {
        lastActivity = now
        guard !pending.isEmpty else { return .none }
        let exchange = pending.removeFirst()
        if exchange.closes { return .halfClose }
        if pending.isEmpty {
            // The server is stopping, or the client closed its side: that was the last answer.
            if closing { return .halfClose }
            if !readingRequest { waitingForHeadSince = now }
        }
        return .none
    }

    /// The server is stopping: an idle connection closes now, a busy one after its answers.
    mutating func quiesce() -> EndAction {
        quiescing = true
        closing = true
        return pending.isEmpty ? .close : .none
    }

    /// The client closed its side: nothing more will be read.
    mutating func inputClosed() -> EndAction {
        closing = true
        readingRequest = false
        return pending.isEmpty ? .close : .none
    }

    /// Why a connection is closed by the clock.
    enum Expiry: Equatable { case headerTimeout, idleTimeout }

    /// Whether the connection has run out of time at `now`.
    func expired(now: NIODeadline) -> Expiry? {
        if let since = waitingForHeadSince, now >= since + timeouts.header { return .headerTimeout }
        if !answering, let last = lastActivity, now >= last + timeouts.idle { return .idleTimeout }
        return nil
    }

    /// When to look again, or nil while an answer is in progress (its end looks again).
    var nextCheck: NIODeadline? {
        guard !answering else { return nil }
        let idle = lastActivity.map { $0 + timeouts.idle }
        let header = waitingForHeadSince.map { $0 + timeouts.header }
        switch (idle, header) {
        case (let idle?, let header?): return min(idle, header)
        case (let idle?, nil): return idle
        case (nil, let header?): return header
        case (nil, nil): return nil
        }
    }

    /// A request was read whole and is being answered: the connection is busy, not idle.
    private var answering: Bool { !pending.isEmpty && !readingRequest }
}

import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes
import Synchronization

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The event loop's entry point: answers API requests that need nothing asynchronous
/// (``RequestPipeline/Needs``) on the event loop that read them, past Hummingbird's async bridge,
/// in a fraction of the time (see docs/performance.md, throughput). It only translates bytes to and
/// from the ``RequestPipeline``, as ``PBXResponder`` does.
///
/// A request goes the usual way, untouched, when it needs more: the control API, a body over the
/// size limit, or an earlier request on the same connection still being answered there (answers
/// keep their order).
///
/// A request refused whatever its body says (``RequestPipeline/refusedAtHead(_:headers:peer:)``:
/// a ban answered 403, a client off the whitelist) is answered from its head, on either path: its
/// body is never kept, and when one was announced the answer closes the connection.
final class FastPathHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum State {
        case idle
        case buffering(HTTPRequest, ByteBuffer, Endpoint)
        case forwarding
        /// A request answered from its head: its body is dropped as it comes.
        case discarding
    }

    private let pipeline: RequestPipeline
    private var state = State.idle
    /// Requests handed to Hummingbird whose answers have not been written yet.
    private var usualInFlight = 0

    /// Whether the connection is HTTPS: its TLS facts are read once, at its first request (the
    /// handshake is over by then).
    private let secure: Bool
    private var tls: TLSConnectionInfo?

    init(pipeline: RequestPipeline, secure: Bool = false) {
        self.pipeline = pipeline
        self.secure = secure
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), state) {
        case (.head(let head), _):
            let decision = pipeline.decide(
                path: head.pathOnly, headers: head.headerFields, peer: IPAddress(peer: context.channel.remoteAddress), secure: secure)
            if usualInFlight == 0, decision.refused, let endpoint = decision.endpoint {
                state = .discarding
                answer(context, head: head, body: context.channel.allocator.buffer(capacity: 0), endpoint: endpoint, end: nil)
                return
            }
            // A body announced over the limit goes the usual way, which refuses it (413) before reading it.
            let announced = head.headerFields[.contentLength].flatMap(Int.init) ?? 0
            if usualInFlight == 0, announced <= EndpointCatalog.maxBodySize, decision.onTheLoop, let endpoint = decision.endpoint {
                state = .buffering(head, context.channel.allocator.buffer(capacity: 0), endpoint)
            } else {
                forward(context, data)
            }
        case (.body(var part), .buffering(let head, var body, let endpoint)):
            if body.readableBytes + part.readableBytes > EndpointCatalog.maxBodySize {
                // The usual path answers 413 at the right point among the checks.
                handOver(context, head: head, body: body)
                context.fireChannelRead(data)
                return
            }
            state = .idle  // the state's copy would make the append copy the whole body (copy-on-write)
            body.writeBuffer(&part)
            state = .buffering(head, body, endpoint)
        case (.end, .buffering(let head, let body, let endpoint)):
            state = .idle
            answer(context, head: head, body: body, endpoint: endpoint, end: data)
        case (.end, .discarding):
            state = .idle
        case (.body, .discarding):
            break
        case (.end, _):
            state = .idle
            context.fireChannelRead(data)
        case (.body, _):
            context.fireChannelRead(data)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { usualInFlight = max(0, usualInFlight - 1) }
        context.write(data, promise: promise)
    }

    private func forward(_ context: ChannelHandlerContext, _ head: NIOAny) {
        usualInFlight += 1
        state = .forwarding
        context.fireChannelRead(head)
    }

    /// Gives a buffered request to Hummingbird after all.
    private func handOver(_ context: ChannelHandlerContext, head: HTTPRequest, body: ByteBuffer) {
        forward(context, wrapInboundOut(.head(head)))
        if body.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(.body(body))) }
    }

    private func connectionTLS(_ context: ChannelHandlerContext) -> TLSConnectionInfo? {
        if secure, tls == nil { tls = pipeline.server.tls?.connections.info(for: context.channel) }
        return tls
    }

    /// Answers a request read whole (`end` is its end part), or refused from its head (`end` nil:
    /// its body, if any, is still coming and is dropped; the answer then closes the connection).
    private func answer(_ context: ChannelHandlerContext, head: HTTPRequest, body: ByteBuffer, endpoint: Endpoint, end: NIOAny?) {
        let started = ContinuousClock.now
        let path = head.path ?? "/"
        let query = path.firstIndex(of: "?").map { String(path[path.index(after: $0)...]) } ?? ""
        let request = pipeline.admit(
            method: head.method, path: endpoint.path, query: query, headers: head.headerFields,
            peer: IPAddress(peer: context.channel.remoteAddress),
            body: .success(Array(body.readableBytesView)), tls: connectionTLS(context), authority: head.authority
        )
        guard var answer = pipeline.answerNow(request, endpoint: endpoint) else {
            // A fault appeared meanwhile: the usual way, with the body as it comes.
            handOver(context, head: head, body: body)
            if let end { context.fireChannelRead(end) }
            return
        }
        let bodyAnnounced = (head.headerFields[.contentLength].flatMap(Int.init) ?? 0) > 0 || head.headerFields[.transferEncoding] != nil
        // Part of the answer, so the journal shows it as sent.
        if end == nil, bodyAnnounced { answer.headers[.connection] = "close" }
        var response = answer.head
        response.headerFields[.date] = HTTPDate.now()
        context.write(wrapOutboundOut(.head(response)), promise: nil)
        let bodyless = head.method == .head || answer.body.isEmpty
        if !bodyless {
            context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: answer.body))), promise: nil)
        }
        pipeline.complete(request, answer: answer, sent: answer, bytes: head.method == .head ? 0 : answer.body.count, since: started, by: .eventLoop)
        // ConnectionLifecycle, below, closes the connection when the request asked for it.
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

/// The `Date` header's text (RFC 9110 IMF-fixdate), made once a second from the system clock: the one
/// source of every answer's `Date` (``ConnectionLifecycle`` sets it on each final head), so answers
/// never go back in time across event loops.
enum HTTPDate {
    private static let cache = Mutex<(second: Int, text: String)>((0, ""))

    static func now() -> String {
        // Not time(2): on Linux it reads the coarse clock, which can still say the last second a
        // few milliseconds into the next one. Date reads CLOCK_REALTIME.
        let now = Int(Date().timeIntervalSince1970.rounded(.down))
        return cache.withLock { cached in
            if cached.second == now { return cached.text }
            let older = now < cached.second
            let days = ByteText.floorDiv(now, 86_400)
            let date = ByteText.civil(days)
            let second = now - days * 86_400
            let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((days % 7) + 7) % 7]
            let month = ByteText.months[date.month - 1]
            func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
            let text = "\(weekday), \(two(date.day)) \(month) \(date.year) \(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60)) GMT"
            // A thread that read the clock just before another moved the cache on leaves it be.
            if !older { cached = (now, text) }
            return text
        }
    }
}

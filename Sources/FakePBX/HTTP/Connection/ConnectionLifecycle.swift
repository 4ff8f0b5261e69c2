import NIOCore
import NIOHTTP1

/// Owns each HTTP connection's life for both listeners and both entry points (the event loop's
/// ``FastPathHandler`` and Hummingbird): it sits between NIO's HTTP/1 codec and the HTTPTypes
/// conversion, the last place that still knows the request's HTTP version, and applies
/// ``ConnectionState`` to every part read and written.
///
/// It closes a connection by half-closing it (`shutdown(SHUT_WR)`), as Hummingbird does: the FIN
/// goes out even while another process holds a copy of the socket (one inherited across a spawn),
/// where a plain `close(2)` would send nothing until that process exits. The connection is closed
/// whole when the client closes its side, or ``lingerBound`` later.
final class ConnectionLifecycle: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// How long a half-closed connection waits for the client to close its side.
    static let lingerBound = TimeAmount.seconds(5)

    private let timeouts: ConnectionState.Timeouts
    private let now: () -> NIODeadline
    private var state: ConnectionState?
    /// One check at a time, rescheduled only when it fires: a request costs a clock read, not a timer.
    private var timer: Scheduled<Void>?
    private var halfClosed = false

    init(timeouts: ConnectionState.Timeouts, now: @escaping () -> NIODeadline = NIODeadline.now) {
        self.timeouts = timeouts
        self.now = now
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    private func start(_ context: ChannelHandlerContext) {
        guard state == nil else { return }
        state = ConnectionState(timeouts: timeouts, now: now())
        arm(context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard state != nil else { return context.fireChannelRead(data) }
        let action: ConnectionState.ReadAction
        switch unwrapInboundIn(data) {
        case .head(let head): action = state!.headRead(version: head.version, keepAlive: head.isKeepAlive, now: now())
        case .body: action = state!.partRead(isEnd: false, now: now())
        case .end: action = state!.partRead(isEnd: true, now: now())
        }
        if action == .forward { context.fireChannelRead(data) }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard state != nil else { return context.write(data, promise: promise) }
        switch unwrapOutboundIn(data) {
        case .head(var head):
            let framing = state!.responseHead(
                status: head.status, hasLength: head.headers.contains(name: "content-length"), closes: !head.isKeepAlive, now: now()
            )
            if framing.drop {
                promise?.succeed(())
                return
            }
            head.version = framing.version
            // One clock for every answer, whichever entry point made it: Hummingbird's own date
            // cache is refreshed on a timer and lags, so answers would go back in time.
            if head.status.code >= 200 { head.headers.replaceOrAdd(name: "Date", value: HTTPDate.now()) }
            if let connection = framing.connection { head.headers.replaceOrAdd(name: "connection", value: connection) }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body:
            state!.responseBody(now: now())
            context.write(data, promise: promise)
        case .end:
            let action = state!.responseEnd(now: now())
            context.write(data, promise: promise)
            act(action, context)
            arm(context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, state != nil {
            act(state!.quiesce(), context)
            return
        }
        if case ChannelEvent.inputClosed = event, state != nil {
            act(state!.inputClosed(), context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func act(_ action: ConnectionState.EndAction, _ context: ChannelHandlerContext) {
        if action == .close {
            timer?.cancel()
            timer = nil
            context.close(promise: nil)
            return
        }
        guard action == .halfClose, !halfClosed else { return }
        halfClosed = true
        timer?.cancel()
        context.flush()
        // The output closes once everything written is sent; NIO closes the connection whole when
        // the client's FIN comes. A client that never closes its side is cut after the bound.
        context.close(mode: .output, promise: nil)
        let channel = context.channel
        timer = channel.eventLoop.scheduleTask(in: Self.lingerBound) { channel.close(promise: nil) }
    }

    /// Schedules the next look at the clock, unless one is pending or an answer is in progress.
    private func arm(_ context: ChannelHandlerContext) {
        guard !halfClosed, timer == nil, let at = state?.nextCheck else { return }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(deadline: at) { handler.value.check(channel) }
    }

    private func check(_ channel: any Channel) {
        timer = nil
        guard !halfClosed, let state else { return }
        if state.expired(now: now()) != nil {
            channel.close(promise: nil)
            return
        }
        guard let at = state.nextCheck else { return }
        let handler = NIOLoopBound(self, eventLoop: channel.eventLoop)
        timer = channel.eventLoop.scheduleTask(deadline: at) { handler.value.check(channel) }
    }
}

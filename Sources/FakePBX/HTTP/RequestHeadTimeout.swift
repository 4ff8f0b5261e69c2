import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection that does not send a complete request head within `timeout` of connecting or
/// of its previous answer: a client that trickles a request header byte by byte (slowloris) or sits
/// on an open connection cannot hold it for ever. Requests being answered are not timed.
final class RequestHeadTimeout: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    /// One check at a time, rescheduled only when it fires: a request costs a clock read, not a timer.
    private var timer: Scheduled<Void>?
    /// Since when the connection has been waiting for a request head; `nil` while one is answered.
    private var waitingSince: NIODeadline?
    /// Requests whose answers have not been written yet.
    private var inFlight = 0

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { wait(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        wait(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            inFlight += 1
            waitingSince = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            inFlight = max(0, inFlight - 1)
            if inFlight == 0 { wait(context) }
        }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        waitingSince = nil
        context.fireChannelInactive()
    }

    private func wait(_ context: ChannelHandlerContext) {
        waitingSince = .now()
        if timer == nil { schedule(context.channel, in: timeout) }
    }

    private func schedule(_ channel: any Channel, in delay: TimeAmount) {
        let handler = NIOLoopBound(self, eventLoop: channel.eventLoop)
        timer = channel.eventLoop.scheduleTask(in: delay) { handler.value.check(channel) }
    }

    /// Closes the connection when it has waited too long for a head, else checks again when it would have.
    private func check(_ channel: any Channel) {
        timer = nil
        guard let since = waitingSince else { return }
        let deadline = since + timeout
        if deadline <= .now() { channel.close(promise: nil) } else { schedule(channel, in: deadline - .now()) }
    }
}

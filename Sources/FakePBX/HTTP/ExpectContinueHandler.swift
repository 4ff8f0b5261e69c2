import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` at once with `100 Continue`, as nginx in front of PHP-FPM does.
/// libcurl sends the header with multipart and larger bodies and then waits for the interim answer
/// (up to a second) before sending the body; a server that stays silent costs every such call that
/// second.
///
/// Only a client that may send the body is invited to: a request announcing a body over the size
/// limit (413), or one refused from its head (a ban answered 403, a client off the whitelist: see
/// ``RequestPipeline/refusedAtHead(_:headers:peer:)``), gets its final answer without the body
/// being sent. A 1.0 client never gets one (``ConnectionLifecycle`` drops it).
final class ExpectContinueHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    private let pipeline: RequestPipeline
    private let secure: Bool

    init(pipeline: RequestPipeline, secure: Bool = false) {
        self.pipeline = pipeline
        self.secure = secure
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data),
            let expect = head.headerFields[.expect], expect.lowercased() == "100-continue",
            (head.headerFields[.contentLength].flatMap(Int.init) ?? 0) <= EndpointCatalog.maxBodySize,
            !pipeline.decide(
                path: head.pathOnly, headers: head.headerFields, peer: IPAddress(peer: context.channel.remoteAddress), secure: secure
            ).refused
        {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        context.fireChannelRead(data)
    }
}

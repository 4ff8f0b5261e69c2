import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` at once with `100 Continue`, as nginx in front of PHP-FPM does.
/// libcurl sends the header with multipart and larger bodies and then waits for the interim answer
/// (up to a second) before sending the body; a server that stays silent costs every such call that
/// second. A request announcing a body over the size limit gets no interim answer: it is refused
/// with 413 without the body being sent.
final class ExpectContinueHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data),
            let expect = head.headerFields[.expect], expect.lowercased() == "100-continue",
            (head.headerFields[.contentLength].flatMap(Int.init) ?? 0) <= EndpointCatalog.maxBodySize
        {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        context.fireChannelRead(data)
    }
}

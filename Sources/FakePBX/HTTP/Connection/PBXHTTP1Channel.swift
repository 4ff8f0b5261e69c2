import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Each accepted HTTP/1 connection's pipeline, for the HTTP and the HTTPS listener alike: NIO's
/// codec, the ``ConnectionLifecycle`` that owns the connection's life, the HTTPTypes conversion,
/// fakepbx's own handlers (ban guard, `Expect`, the event loop's fast path), then Hummingbird's
/// request loop.
///
/// It stands in for Hummingbird's `HTTP1Channel`, whose handlers run after the HTTPTypes
/// conversion (which drops the request's HTTP version) and whose connection state never sees the
/// answers the fast path writes.
struct PBXHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let timeouts: ConnectionState.Timeouts
    let handlers: @Sendable () -> [any RemovableChannelHandler]

    init(
        responder: @escaping HTTPChannelHandler.Responder, timeouts: ConnectionState.Timeouts,
        handlers: @escaping @Sendable () -> [any RemovableChannelHandler]
    ) {
        self.responder = responder
        self.timeouts = timeouts
        self.handlers = handlers
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderFieldSize = 80 * 1024
            limits.maxHeaderListSize = 80 * 1024
            limits.maxHeaderFieldCount = 1000
            let pipeline = channel.pipeline.syncOperations
            try pipeline.configureHTTPServerPipeline(
                withPipeliningAssistance: false,  // answers keep their order: the fast path defers to Hummingbird's queue
                withErrorHandling: false,  // Hummingbird answers a parse error with 400
                withOutboundHeaderValidation: false,  // HTTPTypes validated the fields
                withEncoderConfiguration: .init(),
                withDecoderLimitConfiguration: limits
            )
            try pipeline.addHandler(ConnectionLifecycle(timeouts: timeouts))
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try pipeline.addHandlers(handlers())
            return try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: value, logger: logger)
    }
}

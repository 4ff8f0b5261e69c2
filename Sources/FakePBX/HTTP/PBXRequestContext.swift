public import Hummingbird
public import NIOCore

/// The request context: Hummingbird's core storage plus the connected peer and its channel (the
/// channel is what connection-level faults act on).
public struct PBXRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The TCP peer; `nil` for in-process test requests.
    public let remoteAddress: SocketAddress?
    public let channel: (any Channel)?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.channel = source.channel
    }

    /// fakepbx reads bodies itself, with the 80 MB limit and its own error envelope.
    public var maxUploadSize: Int { EndpointCatalog.maxBodySize }
}

extension PBXRequestContext {
    /// The TCP peer: `X-Forwarded-For` is read only by the pipeline, from configured proxies, and
    /// never decides who may drive the fake.
    var peer: IPAddress { IPAddress(peer: remoteAddress) }
}

import HummingbirdCore
import Logging
import NIOCore
import NIOSSL
import NIOTLS
import SwiftASN1
import X509

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Sets up each accepted HTTPS connection, in this order: a ban refuses it before the handshake
/// (``BanGuard``), a handshake fault acts on its ClientHello (``HandshakeGuard``), the SNI name is
/// noted, TLS runs with the certificate of the mode in force when it was accepted, and the outcome is
/// recorded (``HandshakeObserver``); then the same HTTP/1.1 pipeline as the HTTP listener.
struct HTTPSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let server: PBXServer
    let identities: TLSIdentities

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            // The mode in force now decides this connection's certificate, whatever changes later.
            let mode = identities.mode
            let observer = HandshakeObserver(server: server, connections: identities.connections, mode: mode)
            try channel.pipeline.syncOperations.addHandlers([
                BanGuard(jails: server.policies.jails, action: server.policies.banAction, clock: server.clock, journal: server.journal),
                HandshakeGuard(server: server, observer: observer),
                ByteToMessageHandler(
                    SNIHandler { [observer] result in
                        if case .hostname(let name) = result { observer.serverName = name }
                        return channel.eventLoop.makeSucceededVoidFuture()
                    }),
                NIOSSLServerHandler(context: identities.context(for: mode)),
                observer,
            ])
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// Acts on a connection's first bytes (the ClientHello) when a handshake fault fires for its
/// client: resets it, closes it, holds it, or answers with bytes that are not TLS. Passes everything
/// through otherwise.
final class HandshakeGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let server: PBXServer
    /// Told when a fault fires, so that the broken handshake is not journaled a second time as a failure.
    private let observer: HandshakeObserver
    private var decided = false
    private var swallowing = false

    init(server: PBXServer, observer: HandshakeObserver) {
        self.server = server
        self.observer = observer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if swallowing { return }
        if !decided {
            decided = true
            if !server.faults.isEmpty, let peer = context.channel.remoteAddress.flatMap(IPAddress.init),
                let fault = server.faults.selectHandshake(client: peer, now: server.clock.now),
                case .handshake(let handshake) = fault.kind
            {
                swallowing = true
                observer.faulted = true
                act(handshake, fault: fault, peer: peer, context: context)
                return
            }
        }
        context.fireChannelRead(data)
    }

    private func act(_ handshake: Fault.Handshake, fault: Fault, peer: IPAddress, context: ChannelHandlerContext) {
        let channel = context.channel
        server.logger.debug("handshake fault injected", metadata: ["fault": "\(fault.id)", "client": "\(peer)"])
        server.journal.event(
            "tls-handshake-fault", client: peer, time: server.clock.now, applied: ["fault:\(fault.id)", "tls-handshake-fault"],
            tls: TLSConnectionInfo(version: "")
        )
        switch handshake {
        case .reset:
            channel.reset()
        case .close:
            channel.close(promise: nil)
        case .hang(let seconds):
            channel.eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) { channel.close(promise: nil) }
        case .garbage:
            let bytes = ByteBuffer(string: "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n\r\nthis is not TLS\r\n")
            context.writeAndFlush(wrapOutboundOut(bytes)).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

/// Notes what the handshake established (version, SNI, client certificate) for the journal, and
/// journals a handshake that failed, with OpenSSL's reason: what the client refused or lacked.
final class HandshakeObserver: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    // @unchecked: touched only on the channel's event loop (the SNI callback runs there too).
    typealias InboundIn = NIOAny

    private let server: PBXServer
    private let connections: TLSConnections
    /// The certificate mode the connection was accepted under.
    private let mode: TLSMode
    var serverName: String?
    /// A handshake fault fired: the failure that follows is the fault's, already journaled.
    var faulted = false
    private var completed = false
    private var requested = false
    /// A failure of this connection is journaled already.
    private var recorded = false
    /// The client closed without TLS's close_notify.
    private var unclean = false

    init(server: PBXServer, connections: TLSConnections, mode: TLSMode) {
        self.server = server
        self.connections = connections
        self.mode = mode
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            completed = true
            let handler = try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self)
            let version = handler?.tlsVersion.map(TLSConnectionInfo.name) ?? "TLS"
            let subject = handler?.peerCertificate.flatMap { try? $0.toDERBytes() }.flatMap { try? Certificate(derEncoded: $0).subject.description }
            connections.set(TLSConnectionInfo(version: version, serverName: serverName, clientCertificate: subject), for: context.channel)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A hang-up: no close_notify, or a reset (a client closing with the server's session tickets
        // still unread sends RST rather than FIN).
        let hungUp =
            (error as? NIOSSLError) == .uncleanShutdown || (error as? IOError).map { [ECONNRESET, EPIPE].contains($0.errnoCode) } == true
        if hungUp && completed {
            // A close without close_notify after the handshake: no failure; the close is journaled
            // when the connection ends, if no request came.
            unclean = true
            context.fireErrorCaught(error)
            return
        }
        // In TLS 1.3 the server may count the handshake done before the client has checked the
        // certificate; a client that then refuses it sends an alert the server cannot read.
        if !requested, !faulted, !recorded, let peer = context.channel.remoteAddress.flatMap(IPAddress.init) {
            let mode = mode.rawValue
            let reasons = HandshakeObserver.reasons(error)
            let why =
                hungUp ? "the client closed the connection during the handshake" : reasons.isEmpty ? "\(error)" : reasons.joined(separator: ", ")
            let detail = "the TLS handshake failed or was refused by the client, with certificate mode '\(mode)' in force: \(why)"
            server.logger.notice("TLS handshake failed", metadata: ["client": "\(peer)", "mode": "\(mode)", "error": "\(error)"])
            record(peer, applied: "tls-handshake-failed", detail: detail, tls: TLSConnectionInfo(version: "", serverName: serverName))
        }
        context.fireErrorCaught(error)
    }

    /// OpenSSL's reason names in a handshake error (`TLSV1_ALERT_UNKNOWN_CA`, `NO_SHARED_CIPHER`...),
    /// without the source locations BoringSSL adds.
    static func reasons(_ error: any Error) -> [String] {
        "\(error)".matches(of: /SSL routines:OPENSSL_internal:([A-Z0-9_]+)/).map { String($0.output.1) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        requested = true
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        connections.remove(context.channel)
        // curl checks the certificate's names after the handshake, then hangs up without a word.
        if completed, !requested, !faulted, !recorded, let peer = context.channel.remoteAddress.flatMap(IPAddress.init) {
            record(
                peer, applied: "tls-closed-before-request",
                detail:
                    "the client completed the TLS handshake with certificate mode '\(mode.rawValue)' in force, then closed the connection without a request"
                    + (unclean ? " and without TLS close_notify" : "")
                    + " (a client that checks host names refuses a certificate for other names)",
                tls: connections.info(for: context.channel) ?? TLSConnectionInfo(version: "", serverName: serverName)
            )
        }
        context.fireChannelInactive()
    }

    private func record(_ peer: IPAddress, applied: String, detail: String, tls: TLSConnectionInfo) {
        recorded = true
        server.journal.event(applied, client: peer, time: server.clock.now, applied: [applied], detail: detail, tls: tls)
    }
}

extension TLSConnectionInfo {
    static func name(_ version: TLSVersion) -> String {
        switch version {
        case .tlsv1: "TLSv1"
        case .tlsv11: "TLSv1.1"
        case .tlsv12: "TLSv1.2"
        case .tlsv13: "TLSv1.3"
        }
    }
}

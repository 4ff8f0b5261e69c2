import NIOCore

/// Refuses banned addresses at the connection level, as fail2ban's `iptables-allports` action does:
/// with `reset` the connection is reset as soon as it is accepted (the client sees "connection
/// reset", not an HTTP answer); with `drop` nothing is ever answered and the client times out. A
/// connection already open when its address is banned is cut at its next request.
///
/// Sits in every connection's pipeline; while no address is banned it costs one atomic load per
/// connection and per request.
final class BanGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let jails: Jails
    private let action: BanAction
    private let clock: PBXClock
    private let journal: RequestJournal
    private var dropping = false

    init(jails: Jails, action: BanAction, clock: PBXClock, journal: RequestJournal) {
        self.jails = jails
        self.action = action
        self.clock = clock
        self.journal = journal
    }

    func channelActive(context: ChannelHandlerContext) {
        if refuse(context) { return }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if dropping || refuse(context) { return }
        context.fireChannelRead(data)
    }

    /// Applies the ban action when the peer is banned; whether it did.
    private func refuse(_ context: ChannelHandlerContext) -> Bool {
        guard action != .forbidden,
            let peer = context.channel.remoteAddress.flatMap(IPAddress.init),
            let ban = jails.ban(for: peer, now: clock.now)
        else { return false }
        journal.event(
            "connection-refused", client: peer, time: clock.now, applied: ["banned:\(ban.jail)"],
            detail: action == .reset ? "banned: the connection was reset" : "banned: the connection is held and never answered"
        )
        switch action {
        case .reset:
            context.channel.reset()
        case .drop:
            dropping = true
        case .forbidden:
            return false
        }
        return true
    }
}

import NIOCore

/// Refuses banned addresses at the connection level, as fail2ban's `iptables-allports` action does:
/// with `reset` the connection is reset when the client sends its first bytes (or a second after it
/// connected, if it sends none), so the client always sees "connection reset by peer" (curl error
/// 56, or 35 in a TLS handshake) and never an HTTP answer: a reset at accept would race the client's
/// own connect and show as curl error 7 as often as 56. With `drop` nothing is ever answered and the
/// client times out. A connection already open when its address is banned is cut at its next
/// request.
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
    /// Banned when accepted, with `reset`, by this jail: reset at the first read.
    private var bannedBy: String?
    /// Reset already: what still arrives is dropped.
    private var reset = false

    init(jails: Jails, action: BanAction, clock: PBXClock, journal: RequestJournal) {
        self.jails = jails
        self.action = action
        self.clock = clock
        self.journal = journal
    }

    func channelActive(context: ChannelHandlerContext) {
        guard action == .reset, let peer = context.channel.remoteAddress.flatMap(IPAddress.init), let ban = jails.ban(for: peer, now: clock.now)
        else {
            if refuse(context) { return }
            context.fireChannelActive()
            return
        }
        bannedBy = ban.jail
        let channel = context.channel
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: .seconds(1)) {
            if channel.isActive { loopBound.value.refuseNow(channel, peer: peer) }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if bannedBy != nil, let peer = context.channel.remoteAddress.flatMap(IPAddress.init) {
            refuseNow(context.channel, peer: peer)
            return
        }
        if dropping || reset || refuse(context) { return }
        context.fireChannelRead(data)
    }

    /// Resets a connection banned when it was accepted, once.
    private func refuseNow(_ channel: any Channel, peer: IPAddress) {
        guard let jail = bannedBy else { return }
        bannedBy = nil
        reset = true
        journal.event("connection-refused", client: peer, time: clock.now, applied: ["banned:\(jail)"], detail: "banned: the connection was reset")
        channel.reset()
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
            reset = true
            context.channel.reset()
        case .drop:
            dropping = true
        case .forbidden:
            return false
        }
        return true
    }
}

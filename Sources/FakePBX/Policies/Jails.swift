import Synchronization

/// fail2ban-style jails: failures counted per address within each jail's find time, and bans with
/// an expiry read against the server's clock. An address in `ignoreIP` is never banned.
public final class Jails: Sendable {
    /// A banned address.
    public struct Ban: Sendable, Hashable {
        public var address: IPAddress
        public var jail: String
        public var since: Double
        public var until: Double
    }

    /// Matches per second over the last `findTime` seconds, in a ring: counting and expiring are
    /// O(1) amortised whatever `maxRetry` is (fail2ban itself works in whole seconds from the logs).
    struct Window: Sendable {
        private var counts: [Int]
        private var newest: Int
        private(set) var total = 0

        init(findTime: Int, now: Int) {
            counts = Array(repeating: 0, count: max(1, findTime))
            newest = now
        }

        /// Drops the seconds that have left the window at `now`.
        mutating func expire(to now: Int) {
            guard now > newest else { return }
            let steps = min(now - newest, counts.count)
            for second in (now - steps + 1)...now {
                let slot = second % counts.count
                total -= counts[slot]
                counts[slot] = 0
            }
            newest = now
        }

        mutating func add(at now: Int) {
            expire(to: now)
            counts[now % counts.count] += 1
            total += 1
        }
    }

    private struct Config: Sendable {
        var rules: [String: JailRule]
        var ignoreIP: [CIDRBlock]
    }

    private struct Counted: Hashable, Sendable {
        var jail: String
        var address: IPAddress
    }

    /// Read on every request: no lock to read.
    private let config: Published<Config>
    /// Failures per jail and address, one lock per stripe of addresses.
    private let failures = StripedDictionary<Counted, Window>()
    private let bansInForce = Mutex<[IPAddress: Ban]>([:])
    /// Bans are checked on every accepted connection and request; this flag keeps that check
    /// lock-free while no address is banned, the common case.
    private let anyBans = Atomic<Bool>(false)
    /// Told of a ban found expired (bans are lifted lazily, when their address is next seen).
    private let expiryObserver = Mutex<(@Sendable (Ban) -> Void)?>(nil)

    func observeExpiry(_ observer: @escaping @Sendable (Ban) -> Void) { expiryObserver.withLock { $0 = observer } }

    /// The rules the server started with, which ``restoreRules()`` returns to.
    public let startRules: [String: JailRule]

    public init(rules: [String: JailRule], ignoreIP: [CIDRBlock] = []) {
        config = Published(Config(rules: rules, ignoreIP: ignoreIP))
        startRules = rules
    }

    public var rules: [String: JailRule] { config.value.rules }
    public var ignoreIP: [CIDRBlock] { config.value.ignoreIP }

    public func setRule(_ rule: JailRule?, for jail: String) { config.update { $0.rules[jail] = rule } }

    /// Back to the rules the server started with.
    public func restoreRules() { config.update { $0.rules = startRules } }

    /// Counts one match of `jail`'s filter for `address`; returns the ban it triggers, if any.
    @discardableResult
    public func record(_ jail: String, address: IPAddress, now: Double) -> Ban? {
        let config = config.value
        guard let rule = config.rules[jail], !config.ignoreIP.contains(where: { $0.contains(address) }) else { return nil }
        if anyBans.load(ordering: .acquiring), let ban = bansInForce.withLock({ $0[address] }), ban.until > now { return nil }
        let second = Int(now.rounded(.down))
        let filled = failures.withEntry(Counted(jail: jail, address: address)) { window -> Bool in
            // Mutated in place: no copy of the window's counts per request.
            if window == nil { window = Window(findTime: rule.findTime, now: second) }
            window!.add(at: second)
            guard window!.total >= rule.maxRetry else { return false }
            window = nil
            return true
        }
        guard filled else { return nil }
        return imposed(Ban(address: address, jail: jail, since: now, until: now + Double(rule.banTime)))
    }

    private func imposed(_ ban: Ban) -> Ban {
        bansInForce.withLock { $0[ban.address] = ban }
        anyBans.store(true, ordering: .releasing)
        return ban
    }

    /// The ban in force for `address` at `now`, if any; expired bans are lifted.
    public func ban(for address: IPAddress, now: Double) -> Ban? {
        guard anyBans.load(ordering: .acquiring) else { return nil }
        let (inForce, expired): (Ban?, Ban?) = bansInForce.withLock { bans in
            guard let ban = bans[address] else { return (nil, nil) }
            if ban.until > now { return (ban, nil) }
            bans[address] = nil
            if bans.isEmpty { anyBans.store(false, ordering: .releasing) }
            return (nil, ban)
        }
        if let expired, let observer = expiryObserver.withLock({ $0 }) { observer(expired) }
        return inForce
    }

    /// Bans `address` by hand (the control API), for `seconds` or the jail's ban time.
    @discardableResult
    public func ban(_ address: IPAddress, jail: String, seconds: Double?, now: Double) -> Ban {
        let duration = seconds ?? Double(config.value.rules[jail]?.banTime ?? 3600)
        return imposed(Ban(address: address, jail: jail, since: now, until: now + duration))
    }

    /// Lifts the ban on `address`; whether there was one.
    @discardableResult
    public func unban(_ address: IPAddress) -> Bool {
        failures.removeAll { $0.address == address }
        return bansInForce.withLock { bans in
            let removed = bans.removeValue(forKey: address) != nil
            if bans.isEmpty { anyBans.store(false, ordering: .releasing) }
            return removed
        }
    }

    /// Bans in force at `now`, oldest first.
    public func bans(now: Double) -> [Ban] {
        bansInForce.withLock { bans in bans.values.filter { $0.until > now }.sorted { $0.since < $1.since } }
    }

    /// Failures counted within each jail's find time, by jail and address.
    public func failures(now: Double) -> [String: [IPAddress: Int]] {
        var result: [String: [IPAddress: Int]] = [:]
        for (counted, window) in failures.entries {
            var current = window
            current.expire(to: Int(now.rounded(.down)))
            if current.total > 0 { result[counted.jail, default: [:]][counted.address] = current.total }
        }
        return result
    }

    /// Lifts every ban and forgets every failure.
    public func reset() {
        failures.removeAll { _ in true }
        bansInForce.withLock { $0 = [:] }
        anyBans.store(false, ordering: .releasing)
    }
}

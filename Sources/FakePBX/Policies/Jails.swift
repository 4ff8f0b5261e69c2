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

    private struct State {
        var rules: [String: JailRule]
        var ignoreIP: [CIDRBlock]
        var failures: [String: [IPAddress: [Double]]] = [:]
        var bans: [IPAddress: Ban] = [:]
    }

    private let state: Mutex<State>
    /// Bans are checked on every accepted connection; this flag keeps that check lock-free while no
    /// address is banned, the common case.
    private let anyBans = Atomic<Bool>(false)

    public init(rules: [String: JailRule], ignoreIP: [CIDRBlock] = []) {
        state = Mutex(State(rules: rules, ignoreIP: ignoreIP))
    }

    public var rules: [String: JailRule] { state.withLock { $0.rules } }
    public var ignoreIP: [CIDRBlock] { state.withLock { $0.ignoreIP } }

    public func setRule(_ rule: JailRule?, for jail: String) { state.withLock { $0.rules[jail] = rule } }

    /// Counts one match of `jail`'s filter for `address`; returns the ban it triggers, if any.
    @discardableResult
    public func record(_ jail: String, address: IPAddress, now: Double) -> Ban? {
        state.withLock { state in
            guard let rule = state.rules[jail], !state.ignoreIP.contains(where: { $0.contains(address) }) else { return nil }
            if let ban = state.bans[address], ban.until > now { return nil }
            var times = state.failures[jail, default: [:]][address, default: []]
            times.removeAll { $0 <= now - Double(rule.findTime) }
            times.append(now)
            guard times.count >= rule.maxRetry else {
                state.failures[jail, default: [:]][address] = times
                return nil
            }
            state.failures[jail]?[address] = nil
            let ban = Ban(address: address, jail: jail, since: now, until: now + Double(rule.banTime))
            state.bans[address] = ban
            anyBans.store(true, ordering: .releasing)
            return ban
        }
    }

    /// The ban in force for `address` at `now`, if any; expired bans are lifted.
    public func ban(for address: IPAddress, now: Double) -> Ban? {
        guard anyBans.load(ordering: .acquiring) else { return nil }
        return state.withLock { state in
            guard let ban = state.bans[address] else { return nil }
            if ban.until > now { return ban }
            state.bans[address] = nil
            if state.bans.isEmpty { anyBans.store(false, ordering: .releasing) }
            return nil
        }
    }

    /// Bans `address` by hand (the control API), for `seconds` or the jail's ban time.
    @discardableResult
    public func ban(_ address: IPAddress, jail: String, seconds: Double?, now: Double) -> Ban {
        state.withLock { state in
            let duration = seconds ?? Double(state.rules[jail]?.banTime ?? 3600)
            let ban = Ban(address: address, jail: jail, since: now, until: now + duration)
            state.bans[address] = ban
            anyBans.store(true, ordering: .releasing)
            return ban
        }
    }

    /// Lifts the ban on `address`; whether there was one.
    @discardableResult
    public func unban(_ address: IPAddress) -> Bool {
        state.withLock { state in
            state.failures = state.failures.mapValues { $0.filter { $0.key != address } }
            let removed = state.bans.removeValue(forKey: address) != nil
            if state.bans.isEmpty { anyBans.store(false, ordering: .releasing) }
            return removed
        }
    }

    /// Bans in force at `now`, oldest first.
    public func bans(now: Double) -> [Ban] {
        state.withLock { state in state.bans.values.filter { $0.until > now }.sorted { $0.since < $1.since } }
    }

    /// Failures counted within each jail's find time, by jail and address.
    public func failures(now: Double) -> [String: [IPAddress: Int]] {
        state.withLock { state in
            var result: [String: [IPAddress: Int]] = [:]
            for (jail, byAddress) in state.failures {
                let findTime = Double(state.rules[jail]?.findTime ?? 0)
                for (address, times) in byAddress {
                    let recent = times.filter { $0 > now - findTime }.count
                    if recent > 0 { result[jail, default: [:]][address] = recent }
                }
            }
            return result
        }
    }

    /// Lifts every ban and forgets every failure.
    public func reset() {
        state.withLock { state in
            state.failures = [:]
            state.bans = [:]
        }
        anyBans.store(false, ordering: .releasing)
    }
}

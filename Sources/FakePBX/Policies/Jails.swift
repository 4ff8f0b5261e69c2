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
    struct Window {
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

    private struct State {
        var rules: [String: JailRule]
        var ignoreIP: [CIDRBlock]
        var failures: [String: [IPAddress: Window]] = [:]
        var bans: [IPAddress: Ban] = [:]
    }

    private let state: Mutex<State>
    /// Bans are checked on every accepted connection; this flag keeps that check lock-free while no
    /// address is banned, the common case.
    private let anyBans = Atomic<Bool>(false)
    /// Told of a ban found expired (bans are lifted lazily, when their address is next seen).
    private let expiryObserver = Mutex<(@Sendable (Ban) -> Void)?>(nil)

    /// Calls `observer` with each ban found expired from now on.
    func observeExpiry(_ observer: @escaping @Sendable (Ban) -> Void) { expiryObserver.withLock { $0 = observer } }

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
            let second = Int(now.rounded(.down))
            // Mutated in place: no copy of the window's counts per request.
            state.failures[jail, default: [:]][address, default: Window(findTime: rule.findTime, now: second)].add(at: second)
            guard state.failures[jail]![address]!.total >= rule.maxRetry else { return nil }
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
        let (inForce, expired): (Ban?, Ban?) = state.withLock { state in
            guard let ban = state.bans[address] else { return (nil, nil) }
            if ban.until > now { return (ban, nil) }
            state.bans[address] = nil
            if state.bans.isEmpty { anyBans.store(false, ordering: .releasing) }
            return (nil, ban)
        }
        if let expired, let observer = expiryObserver.withLock({ $0 }) { observer(expired) }
        return inForce
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
                for (address, window) in byAddress {
                    var current = window
                    current.expire(to: Int(now.rounded(.down)))
                    if current.total > 0 { result[jail, default: [:]][address] = current.total }
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

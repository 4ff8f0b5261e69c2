/// The documented rate-limit classes of the ictVoIP API: standard endpoints, CDR export, gateway
/// operations.
public enum RateLimitClass: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case standard, cdr, gateway
    public var description: String { rawValue }
}

/// A fixed-window limit: `limit` requests per `window` seconds. A limit of 0 turns it off.
public struct RateLimitRule: Sendable, Hashable, CustomStringConvertible {
    public var limit: Int
    public var window: Int

    public init(limit: Int, window: Int) {
        self.limit = limit
        self.window = window
    }

    /// The documented limits: 100/min standard, 10/min CDR export, 50/min gateway operations.
    public static let documented: [RateLimitClass: RateLimitRule] = [
        .standard: .init(limit: 100, window: 60), .cdr: .init(limit: 10, window: 60), .gateway: .init(limit: 50, window: 60),
    ]

    /// Parses `COUNT/SECONDS` (`100/60`).
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let limit = Int(parts[0]), let window = Int(parts[1]), limit >= 0, window > 0 else { return nil }
        self.init(limit: limit, window: window)
    }

    public var description: String { limit == 0 ? "off" : "\(limit)/\(window)s" }
}

/// What rate limits are counted by.
public enum RateLimitKey: String, Sendable, Hashable, CaseIterable {
    /// The client's address (the default, as the documentation implies).
    case ip
    /// The API user (or the address when none is given).
    case user
    /// The API key (or the address when none is given).
    case key
}

/// Fixed-window counters per class and key, read against the server's clock.
public final class RateLimiter: Sendable {
    /// The outcome of counting one request.
    public struct Decision: Sendable, Hashable {
        public var allowed: Bool
        public var limit: Int
        public var remaining: Int
        /// When the window ends, in epoch seconds.
        public var reset: Int
    }

    /// One counter, as the control API lists it.
    public struct Counter: Sendable, Hashable {
        public var rateClass: RateLimitClass
        public var key: String
        public var count: Int
        public var limit: Int
        public var windowStart: Int
        public var reset: Int
    }

    /// What a counter counts: a class and a client address, user or key.
    public enum Subject: Hashable, Sendable, CustomStringConvertible {
        case address(IPAddress)
        case name(String)

        public var description: String {
            switch self {
            case .address(let address): address.description
            case .name(let name): name
            }
        }
    }

    private struct Key: Hashable, Sendable {
        var rateClass: RateLimitClass
        var subject: Subject
    }
    private struct Window: Sendable {
        var start: Int
        var count: Int
    }
    /// Read on every request, changed by the control API and scenarios: no lock to read.
    private let rules: Published<[RateLimitClass: RateLimitRule]>
    /// One lock per stripe of clients, not one for all.
    private let windows = StripedDictionary<Key, Window>()
    public let keyedBy: RateLimitKey
    /// The rules the server started with, which ``restoreRules()`` returns to.
    public let startRules: [RateLimitClass: RateLimitRule]

    public init(rules: [RateLimitClass: RateLimitRule], keyedBy: RateLimitKey = .ip) {
        self.rules = Published(rules)
        self.startRules = rules
        self.keyedBy = keyedBy
    }

    public var currentRules: [RateLimitClass: RateLimitRule] { rules.value }

    public func setRule(_ rule: RateLimitRule?, for rateClass: RateLimitClass) { rules.update { $0[rateClass] = rule } }

    /// Back to the rules the server started with.
    public func restoreRules() { rules.update { $0 = startRules } }

    /// Counts a request; `nil` when the class has no limit.
    public func count(_ rateClass: RateLimitClass, key: Subject, now: Double) -> Decision? {
        guard let rule = rules.value[rateClass], rule.limit > 0 else { return nil }
        let time = Int(now.rounded(.down))
        let start = time - ((time % rule.window) + rule.window) % rule.window
        return windows.withEntry(Key(rateClass: rateClass, subject: key)) { entry in
            var window = entry ?? Window(start: start, count: 0)
            if window.start != start { window = Window(start: start, count: 0) }
            let allowed = window.count < rule.limit
            if allowed { window.count += 1 }
            entry = window
            return Decision(allowed: allowed, limit: rule.limit, remaining: max(0, rule.limit - window.count), reset: start + rule.window)
        }
    }

    /// Counters of windows still open at `now`.
    public func counters(now: Double) -> [Counter] {
        let rules = currentRules
        return windows.entries.compactMap { id, window -> Counter? in
            guard let rule = rules[id.rateClass], Int(now) < window.start + rule.window else { return nil }
            return Counter(
                rateClass: id.rateClass, key: id.subject.description, count: window.count, limit: rule.limit,
                windowStart: window.start, reset: window.start + rule.window
            )
        }.sorted { ($0.rateClass.rawValue, $0.key) < ($1.rateClass.rawValue, $1.key) }
    }

    /// Forgets every counter.
    public func reset() { windows.removeAll { _ in true } }
}

/// The security behaviour of a real FusionPBX with the ictVoIP APIs: the documented rate limits and
/// fail2ban's jails and bans, all reading the server's clock.
public final class SecurityPolicies: Sendable {
    public let rateLimiter: RateLimiter
    public let jails: Jails
    public let banAction: BanAction
    /// Failed logins are written here as FusionPBX's syslog lines, when set.
    public let authLog: AuthLog?

    public init(rateLimiter: RateLimiter, jails: Jails, banAction: BanAction, authLog: AuthLog? = nil) {
        self.rateLimiter = rateLimiter
        self.jails = jails
        self.banAction = banAction
        self.authLog = authLog
    }

    /// Policies as configured.
    /// - Throws: ``FakePBXError`` when the auth log cannot be opened.
    public convenience init(_ configuration: FakePBXConfiguration) throws {
        self.init(
            rateLimiter: RateLimiter(rules: configuration.rateLimits, keyedBy: configuration.rateLimitKey),
            jails: Jails(rules: configuration.jails, ignoreIP: configuration.ignoreIP),
            banAction: configuration.banAction,
            authLog: try configuration.authLogFile.map { try AuthLog(path: $0) }
        )
    }

    /// The rate limits and jails a scenario loaded at run time sets (its fail2ban profile first, then
    /// its own jail rules over it).
    func apply(_ scenario: Scenario) {
        for (rateClass, rule) in scenario.rateLimits { rateLimiter.setRule(rule, for: rateClass) }
        if let profile = scenario.fail2banProfile {
            for jail in JailName.all { jails.setRule(profile.rules[jail], for: jail) }
        }
        for (jail, rule) in scenario.jails { jails.setRule(rule, for: jail) }
    }
}

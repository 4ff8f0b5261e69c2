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
}


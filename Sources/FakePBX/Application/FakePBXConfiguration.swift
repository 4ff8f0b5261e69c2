public import ContractKit
public import JSONSchema
public import Logging

/// Everything `fakepbx serve` can be told.
public struct FakePBXConfiguration: Sendable {
    /// fakepbx's own version, printed at start-up.
    public static let toolVersion = "0.1.0"

    public var host: String = "127.0.0.1"
    /// 0 picks a free port; the bound port is reported to `onListening` and written to `portFile`.
    public var port: Int = 8080
    public var portFile: String?
    /// A `chkcon_whitelist.conf`-style file; `nil` allows 127.0.0.1 and ::1 only.
    public var whitelistFile: String?
    /// A whitelist given directly (a scenario's); the file wins when both are set.
    public var whitelist: Whitelist?
    public var credentials: Credentials = .documentationDefaults
    /// A dataset file replacing the embedded one.
    public var dataFile: String?
    public var pbxVersion: PBXVersion = .default
    /// Version strings of the ictVoIP applications that differ from the release's (`status` →
    /// `1.2.0-status`), as on a server where one application was left behind in an upgrade.
    public var appVersions: [String: String] = [:]
    /// Overrides the dataset's `php_types` (CDR numbers as strings, as PHP's PostgreSQL driver gives them).
    public var phpTypes: Bool?
    public var authProfile: AuthProfile = .multi
    /// Peers whose `X-Forwarded-For` header is believed.
    public var trustedProxies: [CIDRBlock] = []
    public var logLevel: Logger.Level = .info
    /// Check every client request against the request contracts (`--verify-client [--strict]`).
    public var verifyClient: ClientVerificationMode?
    /// Read a JSON object body's members as form fields (`--json-bodies`). PHP does not, so a real
    /// FusionPBX script sees no fields in a JSON body; off by default.
    public var jsonBodies = false
    /// With HTTPS on, answer plain HTTP with nginx's 301 to HTTPS, except paths naming provision,
    /// xml_cdr or firmware, as stock FusionPBX does (`--http-redirect on|off`).
    public var httpRedirect = true
    /// A contracts folder replacing the embedded contracts (`--contracts DIR`).
    public var contractsFolder: String?

    // Security policies: on by default, as on a real server.

    /// Fixed-window limits per class (`--rate-limit CLASS=COUNT/SECONDS`); the documented ones by default.
    public var rateLimits: [RateLimitClass: RateLimitRule] = RateLimitRule.documented
    /// What rate limits count by (`--rate-limit-key ip|user|key`).
    public var rateLimitKey: RateLimitKey = .ip
    /// fail2ban jails by name (`--jail`, `--fail2ban-profile`); FusionPBX's Debian settings by default.
    public var jails: [String: JailRule] = Fail2banProfile.debian.rules
    /// What a banned address sees (`--ban-action`).
    public var banAction: BanAction = .reset
    /// Addresses never banned (`--ignoreip`).
    public var ignoreIP: [CIDRBlock] = []
    /// Failed logins are appended here as FusionPBX's syslog lines (`--auth-log`).
    public var authLogFile: String?
    /// Scenarios whose faults and timelines start with the server (their start-up settings are
    /// applied to this configuration by ``Scenario/apply(to:)``).
    public var scenarios: [Scenario] = []
    /// Cassettes to answer from (`--replay`).
    public var replayCassettes: [String] = []
    /// Cassettes already loaded (a bundle's), answered from after `replayCassettes`.
    public var replayLoaded: [(path: String, cassette: Cassette)] = []
    /// A dataset replacing the embedded one and `dataFile` (a bundle's state).
    public var dataset: Dataset?
    /// `cdr_generation` settings laid over the dataset's (a scenario's `cdrs:` section).
    public var cdrGeneration = JSONObject()
    /// Start the clock frozen at this instant (epoch seconds; a bundle's clock with `--clock frozen`).
    public var frozenClock: Double?
    /// Start the clock at this instant and let it run (epoch seconds; a bundle's clock by default).
    public var startClock: Double?
    /// What a request no cassette answers gets (`--on-miss`).
    public var replayMiss: ReplayMissPolicy = .emulate
    /// Whether recordings answer as recorded or the policies decide (`--replay-mode`).
    public var replayMode: ReplayMode = .policies
    /// The bundle being reproduced (`--bundle`), for the banner.
    public var bundleFile: String?
    /// Fields ignored when matching recorded requests (`--volatile`).
    public var volatileFields: [String] = []
    /// When set, the control API (`/__fakepbx/`) requires `Authorization: Bearer TOKEN`.
    public var adminToken: String?
    /// Without a token, the peers that may use the control API (`--admin-allow`).
    public var adminAllow: [CIDRBlock] = ControlAccess.loopback
    /// Host names the control API answers for besides addresses, `localhost`, names without a dot,
    /// `host` and the TLS names (`--admin-host`): a guard against DNS rebinding.
    public var adminHosts: [String] = []
    /// A listener of its own for the control API, which bans do not touch (`--admin-port`).
    public var adminPort: Int?
    /// Where to write the control listener's bound port once listening (`--admin-port-file`).
    public var adminPortFile: String?
    /// Stop as on SIGTERM when standard input reaches its end (`--stop-when-stdin-closes`).
    public var stopWhenInputCloses = false
    /// The folder whose files scenarios posted at run time may name (`--scenario-dir`); the working
    /// directory when `nil`.
    public var scenarioFolder: String?
    /// How replay misses proxied to `--upstream` check its certificate (`--cacert`, `--insecure`).
    public var upstreamTrust = ClientTrust()
    /// Seconds a connection may take to send a complete request head, after connecting or after its
    /// previous answer (`--header-timeout`); it is closed past that.
    public var headerTimeout: Double = 30
    /// Seconds a connection may stay silent before it is closed (`--idle-timeout`).
    public var idleTimeout: Double = 75
    /// How often an open `GET /__fakepbx/events` stream gets a comment line, so proxies and clients
    /// with an idle timeout keep it open.
    public var eventHeartbeat: Duration = .seconds(15)
    /// The HTTPS listener (`--https-port` and the `--tls-*` flags); off by default.
    public var tls = TLSSettings()

    public init() {}
}

/// Where the server ended up listening.
public struct ListeningInfo: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// The HTTPS port, when HTTPS is on.
    public var httpsPort: Int?
    /// The control API's own port (`--admin-port`), when it has one.
    public var adminPort: Int?

    public init(host: String, port: Int, httpsPort: Int? = nil, adminPort: Int? = nil) {
        self.host = host
        self.port = port
        self.httpsPort = httpsPort
        self.adminPort = adminPort
    }

    /// `http://127.0.0.1:8080`, with IPv6 hosts in brackets.
    public var url: String { url(scheme: "http", port: port) }

    /// `https://127.0.0.1:8443` when HTTPS is on.
    public var httpsURL: String? { httpsPort.map { url(scheme: "https", port: $0) } }

    private func url(scheme: String, port: Int) -> String {
        host.contains(":") ? "\(scheme)://[\(host)]:\(port)" : "\(scheme)://\(host):\(port)"
    }
}

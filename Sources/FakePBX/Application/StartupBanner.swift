import ContractKit

/// The lines `fakepbx serve` prints once listening. The first is stable for scripts to parse:
/// `fakepbx 0.1.0 listening on http://127.0.0.1:8080 (FusionPBX 5.4.9, auth: multi)`.
///
/// Secrets are printed only while they are the public documentation defaults; values the user set are
/// masked, so a CI log never shows them.
public enum StartupBanner {
    public static func lines(_ configuration: FakePBXConfiguration, listening: ListeningInfo, whitelist: Whitelist) -> [String] {
        var lines = [
            "fakepbx \(FakePBXConfiguration.toolVersion) listening on \(listening.url)\(listening.httpsURL.map { " and \($0)" } ?? "") (FusionPBX \(configuration.pbxVersion), auth: \(configuration.authProfile))"
        ]
        let credentials = configuration.credentials
        let defaults = Credentials.documentationDefaults
        func show(_ value: String?, default defaultValue: String?, flag: String) -> String {
            guard let value else { return "(none)" }
            return value == defaultValue ? value : "******** (set by \(flag))"
        }
        switch configuration.authProfile {
        case .whitelistOnly:
            lines.append("  credentials: not required (auth: whitelist-only)")
        case .password, .multi:
            lines.append("  username: \(credentials.username)")
            lines.append("  password: \(show(credentials.password, default: defaults.password, flag: "--password"))")
            if configuration.authProfile == .multi {
                lines.append("  api key:  \(show(credentials.apiKey, default: defaults.apiKey, flag: "--api-key"))")
            }
        }
        let source = configuration.whitelistFile.map { " (from \($0))" } ?? ""
        lines.append("  whitelist: \(whitelist.entries.map(\.description).joined(separator: ", "))\(source)")
        lines.append("  policies: \(policySummary(configuration))")
        if let https = listening.httpsURL {
            let tls = configuration.tls
            let trust = tls.caOutFile.map { "CA written to \($0)" } ?? "CA at \(listening.url)/__fakepbx/tls/ca.pem"
            let certificate = tls.certificateFile.map { "your certificate \($0)" } ?? "mode \(tls.mode.rawValue)"
            lines.append("  tls: \(certificate); \(trust); switch with POST \(https)/__fakepbx/tls")
        }
        lines += reproduction(configuration)
        if let adminPort = listening.adminPort {
            let base = ListeningInfo(host: listening.host, port: adminPort).url
            lines.append("  control API: \(base)\(ControlAPI.prefix) (bans do not apply there)")
        }
        if configuration.adminToken == nil, !StartupBanner.isLoopback(listening.host) {
            let allowed = configuration.adminAllow.map(\.description).joined(separator: ", ")
            lines.append(
                "  warning: listening on \(listening.host) without --admin-token; the control API answers \(allowed) (--admin-allow) with no token")
        }
        if let mode = configuration.verifyClient {
            let contracts = configuration.contractsFolder.map { "contracts from \($0)" } ?? "built-in contracts"
            let effect = mode == .strict ? "violations answered 400" : "report only"
            lines.append("  client verification: \(mode) (\(effect), \(contracts)); see \(listening.url)/__fakepbx/violations")
        }
        return lines
    }

    /// What is being reproduced, when anything is: the bundle, the recordings and how they answer,
    /// the scenarios, and a clock that is not real time.
    static func reproduction(_ configuration: FakePBXConfiguration) -> [String] {
        var lines: [String] = []
        if let bundle = configuration.bundleFile { lines.append("  bundle: \(bundle)") }
        let cassettes = configuration.replayLoaded.map { "\($0.path) (\($0.cassette.exchanges.count) exchanges)" } + configuration.replayCassettes
        if !cassettes.isEmpty {
            let mode =
                switch configuration.replayMode {
                case .answers: "answers as recorded, refusals and resets included"
                case .policies: "the policies decide access, limits and bans; recorded refusals and resets left out"
                }
            let miss =
                switch configuration.replayMiss {
                case .emulate: "emulate"
                case .error: "error"
                case .proxy(let upstream, _): "proxy to \(upstream)"
                }
            lines.append("  replay: \(cassettes.joined(separator: ", ")); mode \(configuration.replayMode.rawValue) (\(mode)); on miss \(miss)")
        }
        if !configuration.scenarios.isEmpty {
            lines.append(
                "  scenarios: "
                    + configuration.scenarios.map { "\($0.name) (\($0.faults.count) faults, \($0.timeline.count) timeline steps)" }.joined(
                        separator: ", "))
        }
        if let frozen = configuration.frozenClock {
            lines.append("  clock: frozen at \(Timestamp.iso8601(Int(frozen))) (POST /__fakepbx/clock moves it)")
        } else if let start = configuration.startClock {
            lines.append("  clock: started at \(Timestamp.iso8601(Int(start))) and running")
        }
        return lines
    }

    /// Whether `host` is a loopback address or name (nothing beyond this machine can connect).
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" { return true }
        guard let address = IPAddress(host) else { return false }
        return CIDRBlock("127.0.0.0/8")!.contains(address) || address == IPAddress("::1")!
    }

    /// `rate limits standard 100/60s, cdr 10/60s, gateway 50/60s; jails fusionpbx 20/60/3600, nginx-dos 800/60/86400; bans: reset`.
    static func policySummary(_ configuration: FakePBXConfiguration) -> String {
        let limits = RateLimitClass.allCases.map { "\($0) \(configuration.rateLimits[$0].map(\.description) ?? "off")" }
        let jails = configuration.jails.keys.sorted().map { "\($0) \(configuration.jails[$0]!)" }
        var text = "rate limits \(limits.joined(separator: ", ")) per \(configuration.rateLimitKey)"
        text += "; jails \(jails.isEmpty ? "off" : jails.joined(separator: ", ")); bans: \(configuration.banAction)"
        if !configuration.ignoreIP.isEmpty { text += "; ignoreip \(configuration.ignoreIP.map(\.description).joined(separator: ", "))" }
        return text
    }
}

import ArgumentParser
import ContractKit
import FakePBX
import Foundation
import Logging
import NIOCore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the fake FusionPBX.",
        discussion: """
            Every option can also be set with an environment variable: FAKEPBX_ and the option name in \
            capitals with underscores (FAKEPBX_PORT, FAKEPBX_API_KEY, FAKEPBX_TRUST_FORWARDED_FOR as a \
            comma-separated list). An option on the command line wins over its variable.
            """
    )

    @Option(help: "Address to listen on (default 127.0.0.1).") var host: String?
    @Option(parsing: .unconditional, help: "Port to listen on; 0 picks a free port (default 8080).") var port: String?
    @Option(help: "Write the bound port to this file once listening.") var portFile: String?
    @Option(help: "Whitelist file in chkcon_whitelist.conf format (default: 127.0.0.1 and ::1). Re-read on change.")
    var whitelist: String?
    @Option(parsing: .upToNextOption, help: "The whitelist's addresses (CIDR), instead of a --whitelist file (default 127.0.0.1 ::1).")
    var allow: [String] = []
    @Option(help: "API username (default admin).") var username: String?
    @Option(help: "API password (default your-password).") var password: String?
    @Option(help: "API key / access hash (default fakepbx-demo-api-key-0123456789abcdef).") var apiKey: String?
    @Option(help: "Tenant dataset file replacing the embedded one (see 'fakepbx data export').") var data: String?
    @Option(
        help:
            "FusionPBX version to report and emulate (default 5.4.9; flags are booleans from 5.5.2). An unknown version is answered as the nearest release below it, with a warning."
    )
    var pbxVersion: String?
    @Option(help: "An ictVoIP application's version string as NAME=VERSION (e.g. status=1.2.0-status), as on a half-upgraded server. Repeatable.")
    var appVersion: [String] = []
    @Flag(
        help:
            "Read a JSON object body's members as form fields. PHP does not (it reads only urlencoded and multipart bodies), so a real FusionPBX script sees no fields in a JSON body."
    )
    var jsonBodies = false
    @Flag(
        help:
            "Stop, as on SIGTERM, when standard input reaches its end: started with a pipe as its input, the server ends with the program that started it."
    )
    var stopWhenStdinCloses = false
    @Option(
        help:
            "With --https-port: on (the default) answers plain HTTP with nginx's 301 to HTTPS except for paths naming provision, xml_cdr or firmware, as stock FusionPBX does; off serves HTTP too."
    )
    var httpRedirect: Switch?
    @Flag(help: "CDR numeric columns as JSON strings, as a PHP script json_encode-ing PostgreSQL rows sends them.")
    var phpTypes = false
    @Option(help: "Which credentials the API demands (default multi).") var authProfile: AuthProfile?
    @Option(parsing: .upToNextOption, help: "Proxies (CIDR) whose X-Forwarded-For is trusted.")
    var trustForwardedFor: [String] = []
    @Option(help: "The least severe log messages written (default info).") var logLevel: Logger.Level?
    @Flag(help: "Check every client request against the request contracts; list violations at GET /__fakepbx/violations.")
    var verifyClient = false
    @Flag(help: "With --verify-client: answer a request that breaks its contract with 400 and the violations.")
    var strict = false
    @Option(help: "A contracts folder to use instead of the built-in contracts (with --verify-client).") var contracts: String?
    @Option(
        help:
            "A rate limit as CLASS=COUNT/SECONDS (classes standard, cdr, gateway; COUNT 0 turns it off). Repeatable. Default: the documented standard=100/60, cdr=10/60, gateway=50/60."
    )
    var rateLimit: [String] = []
    @Option(help: "What rate limits count by (default ip).") var rateLimitKey: RateLimitKey?
    @Option(help: "FusionPBX's fail2ban settings (default debian).") var fail2banProfile: Fail2banProfile?
    @Option(help: "A jail as NAME=MAXRETRY/FINDTIME/BANTIME, or NAME=off (jails fusionpbx, nginx-dos). Repeatable.")
    var jail: [String] = []
    @Option(help: "What a banned address sees: reset (the connection is reset; the default), drop (no answer) or 403.")
    var banAction: BanAction?
    @Option(parsing: .upToNextOption, help: "Addresses (CIDR) never banned, as fail2ban's ignoreip.") var ignoreip: [String] = []
    @Option(help: "Append each failed login to this file as FusionPBX's auth.log line (for a real fail2ban).") var authLog: String?
    @Option(help: "Require 'Authorization: Bearer TOKEN' on the control API (/__fakepbx/), from every address.") var adminToken: String?
    @Option(parsing: .upToNextOption, help: "Without --admin-token, the addresses (CIDR) that may use the control API (default 127.0.0.1 ::1).")
    var adminAllow: [String] = []
    @Option(
        parsing: .upToNextOption,
        help:
            "Without --admin-token, host names the control API answers for besides addresses, localhost, names without a dot, --host and --tls-name (a guard against DNS rebinding)."
    )
    var adminHost: [String] = []
    @Option(parsing: .unconditional, help: "Also serve the control API alone on this port (0 picks one), where bans do not apply.") var adminPort:
        String?
    @Option(help: "Write the bound --admin-port to this file once listening.") var adminPortFile: String?
    @Option(
        parsing: .unconditional,
        help: "Seconds a connection may take to send a complete request head, after connecting or its previous answer (default 30).")
    var headerTimeout: String?
    @Option(parsing: .unconditional, help: "Seconds a connection may stay silent before it is closed (default 75).") var idleTimeout: String?
    @Option(help: "The folder whose files a scenario posted at run time may name (default: the working directory).")
    var scenarioDir: String?
    @Option(
        help:
            "Reproduce a bundle (fakepbx bundle create): its versions, auth profile, HTTPS settings, clock, state, scenarios and recordings; flags win."
    )
    var bundle: String?
    @Option(
        help:
            "With --bundle: start the clock where the recording started and let it run (recorded, the default), use real time (now), or stop it there (frozen)."
    )
    var bundleClock: BundleClock?
    @Option(
        help:
            "How recordings answer: as recorded, refusals and resets included (answers; the default with --bundle), or with the server's own policies deciding limits and bans and the recordings giving the data (policies; the default with --replay)."
    )
    var replayMode: ReplayMode?
    @Option(parsing: .upToNextOption, help: "Answer from these cassettes (recorded exchanges) before the emulator.")
    var replay: [String] = []
    @Option(
        help:
            "With --replay, when no recorded exchange matches: emulate (the default), error (404 with the nearest candidates) or proxy (to --upstream)."
    )
    var onMiss: ReplayMissChoice?
    @Option(help: "With --on-miss proxy: the real server to send misses to.") var upstream: String?
    @Option(help: "With --on-miss proxy: record the proxied misses (redacted) into this cassette.") var recordMisses: String?
    @Option(help: "A field ignored when matching recorded requests (repeatable), e.g. a timestamp the client adds.")
    var volatile: [String] = []
    @Option(
        help:
            "A YAML scenario (dataset, whitelist, credentials, policies, faults, timeline); repeatable, applied in order, flags win. See scenarios/.")
    var scenario: [String] = []
    @OptionGroup(title: "HTTPS") var tls: TLSOptions
    @OptionGroup(title: "The upstream's TLS, with --on-miss proxy") var upstreamTLS: ClientTLSOptions

    func run() async throws {
        let configuration = try makeConfiguration(EnvironmentValues())
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = configuration.logLevel
            return handler
        }
        let logger = Logger(label: "fakepbx")
        do {
            try await serve(configuration: configuration, logger: logger) { listening, whitelist in
                let text =
                    StartupBanner.lines(configuration, listening: listening, whitelist: whitelist)
                    .joined(separator: "\n") + "\n"
                // Written unbuffered, so a script reading a pipe sees the line at once.
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        } catch let error as IOError {
            let https = configuration.tls.port.map { " and HTTPS port \($0)" } ?? ""
            throw Stopped("fakepbx stopped: \(CommandFailure.describe(error)) (\(configuration.host) port \(configuration.port)\(https))")
        }
    }

    func makeConfiguration(_ env: EnvironmentValues) throws -> FakePBXConfiguration {
        var configuration = FakePBXConfiguration()
        let bundleClockChoice = try env.value(bundleClock, "FAKEPBX_BUNDLE_CLOCK")
        let mode = try env.value(replayMode, "FAKEPBX_REPLAY_MODE")
        if let path = env.resolve(bundle, "FAKEPBX_BUNDLE") {
            try ReproductionBundle.load(contentsOf: path).apply(
                to: &configuration, source: path, clock: bundleClockChoice ?? .recorded, mode: mode ?? .answers)
        } else if bundleClockChoice != nil {
            throw ValidationError("--bundle-clock applies with --bundle FILE")
        } else if let mode {
            configuration.replayMode = mode
        }
        let scenarioFiles =
            scenario.isEmpty
            ? (env.resolve(nil, "FAKEPBX_SCENARIO").map { $0.split(separator: ",").map(String.init) } ?? []) : scenario
        for file in scenarioFiles {
            configuration.load(try Scenario.load(contentsOf: file))
        }
        configuration.host = env.resolve(host, "FAKEPBX_HOST") ?? configuration.host
        configuration.port =
            try env.parse(port, "FAKEPBX_PORT", option: "--port", expected: "a port from 0 to 65535") {
                Int($0).flatMap { (0...65535).contains($0) ? $0 : nil }
            } ?? configuration.port
        configuration.portFile = env.resolve(portFile, "FAKEPBX_PORT_FILE")
        configuration.whitelistFile = env.resolve(whitelist, "FAKEPBX_WHITELIST")
        if let entries = try env.blocks(allow, "FAKEPBX_ALLOW", option: "--allow") {
            if let file = configuration.whitelistFile {
                throw ValidationError("--allow and --whitelist \(file) both give the whitelist; put the addresses in the file, or drop --whitelist")
            }
            configuration.whitelist = Whitelist(entries: entries)
        }
        configuration.dataFile = env.resolve(data, "FAKEPBX_DATA") ?? configuration.dataFile
        configuration.credentials.username = env.resolve(username, "FAKEPBX_USERNAME") ?? configuration.credentials.username
        configuration.credentials.password = env.resolve(password, "FAKEPBX_PASSWORD") ?? configuration.credentials.password
        configuration.credentials.apiKey = env.resolve(apiKey, "FAKEPBX_API_KEY") ?? configuration.credentials.apiKey
        configuration.pbxVersion =
            try env.parse(
                pbxVersion, "FAKEPBX_PBX_VERSION", option: "--pbx-version", expected: "a version such as 5.4.9", { PBXVersion($0) }
            ) ?? configuration.pbxVersion
        let appVersions =
            appVersion.isEmpty ? (env.resolve(nil, "FAKEPBX_APP_VERSION").map { $0.split(separator: ",").map(String.init) } ?? []) : appVersion
        for item in appVersions {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                throw ValidationError("--app-version: '\(item)' is not valid; expected NAME=VERSION, e.g. status=1.2.0-status")
            }
            configuration.appVersions[parts[0]] = parts[1]
        }
        configuration.authProfile = try env.value(authProfile, "FAKEPBX_AUTH_PROFILE") ?? configuration.authProfile
        if phpTypes || env.flag("FAKEPBX_PHP_TYPES") { configuration.phpTypes = true }
        configuration.jsonBodies = jsonBodies || env.flag("FAKEPBX_JSON_BODIES")
        configuration.stopWhenInputCloses = stopWhenStdinCloses || env.flag("FAKEPBX_STOP_WHEN_STDIN_CLOSES")
        configuration.httpRedirect = try env.value(httpRedirect, "FAKEPBX_HTTP_REDIRECT") != .off
        configuration.trustedProxies =
            try env.blocks(trustForwardedFor, "FAKEPBX_TRUST_FORWARDED_FOR", option: "--trust-forwarded-for") ?? []
        configuration.logLevel = try env.value(logLevel, "FAKEPBX_LOG_LEVEL") ?? configuration.logLevel
        let verify = verifyClient || env.flag("FAKEPBX_VERIFY_CLIENT")
        let strictMode = strict || env.flag("FAKEPBX_STRICT")
        if strictMode && !verify {
            throw ValidationError("--strict only applies with --verify-client; add --verify-client")
        }
        configuration.verifyClient = verify ? (strictMode ? .strict : .report) : nil
        configuration.contractsFolder = env.resolve(contracts, "FAKEPBX_CONTRACTS")
        try applyPolicies(env, to: &configuration)
        try tls.apply(env, to: &configuration.tls)
        configuration.upstreamTrust = upstreamTLS.trust
        try applyReplay(env, mode: mode, to: &configuration)
        return configuration
    }

    /// The recordings' flags: cassettes, the miss policy and its upstream.
    func applyReplay(_ env: EnvironmentValues, mode: ReplayMode?, to configuration: inout FakePBXConfiguration) throws {
        configuration.replayCassettes =
            replay.isEmpty
            ? (env.resolve(nil, "FAKEPBX_REPLAY").map { $0.split(separator: ",").map(String.init) } ?? []) : replay
        configuration.volatileFields = volatile
        let miss = try env.value(onMiss, "FAKEPBX_ON_MISS") ?? .emulate
        let missUpstream = env.resolve(upstream, "FAKEPBX_UPSTREAM")
        switch miss {
        case .emulate: configuration.replayMiss = .emulate
        case .error: configuration.replayMiss = .error
        case .proxy:
            guard let missUpstream else { throw ValidationError("--on-miss proxy needs --upstream URL (the real server to send misses to)") }
            configuration.replayMiss = .proxy(
                upstream: missUpstream.hasSuffix("/") ? String(missUpstream.dropLast()) : missUpstream, recordTo: recordMisses)
        }
        if configuration.replayCassettes.isEmpty, configuration.replayLoaded.isEmpty, onMiss != nil || recordMisses != nil || mode != nil {
            throw ValidationError("--on-miss, --record-misses and --replay-mode apply with --replay CASSETTE or --bundle FILE")
        }
    }

    /// The policy flags: profile first, then single jails and limits over it.
    func applyPolicies(_ env: EnvironmentValues, to configuration: inout FakePBXConfiguration) throws {
        if let profile = try env.value(fail2banProfile, "FAKEPBX_FAIL2BAN_PROFILE") {
            configuration.jails = profile.rules
        }
        for item in env.list(jail, "FAKEPBX_JAIL") {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, JailName.all.contains(parts[0]) else {
                throw ValidationError(
                    "--jail: '\(item)' is not valid; expected NAME=MAXRETRY/FINDTIME/BANTIME or NAME=off with NAME one of \(JailName.all.joined(separator: ", ")), e.g. fusionpbx=20/60/3600"
                )
            }
            if parts[1] == "off" {
                configuration.jails[parts[0]] = nil
            } else if let rule = JailRule(parts[1]) {
                configuration.jails[parts[0]] = rule
            } else {
                throw ValidationError(
                    "--jail: '\(item)' is not valid; expected whole numbers above 0 as MAXRETRY/FINDTIME/BANTIME (FINDTIME at most 86400), e.g. fusionpbx=20/60/3600"
                )
            }
        }
        for item in env.list(rateLimit, "FAKEPBX_RATE_LIMIT") {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let rateClass = RateLimitClass(rawValue: parts[0]), let rule = RateLimitRule(parts[1]) else {
                throw ValidationError(
                    "--rate-limit: '\(item)' is not valid; expected CLASS=COUNT/SECONDS with CLASS standard, cdr or gateway, e.g. standard=100/60 (COUNT 0 turns it off)"
                )
            }
            configuration.rateLimits[rateClass] = rule.limit == 0 ? nil : rule
        }
        configuration.rateLimitKey = try env.value(rateLimitKey, "FAKEPBX_RATE_LIMIT_KEY") ?? configuration.rateLimitKey
        configuration.banAction = try env.value(banAction, "FAKEPBX_BAN_ACTION") ?? configuration.banAction
        configuration.ignoreIP = try env.blocks(ignoreip, "FAKEPBX_IGNOREIP", option: "--ignoreip") ?? configuration.ignoreIP
        configuration.authLogFile = env.resolve(authLog, "FAKEPBX_AUTH_LOG")
        configuration.adminToken = env.resolve(adminToken, "FAKEPBX_ADMIN_TOKEN")
        configuration.adminHosts = env.list(adminHost, "FAKEPBX_ADMIN_HOST")
        configuration.adminAllow = try env.blocks(adminAllow, "FAKEPBX_ADMIN_ALLOW", option: "--admin-allow") ?? configuration.adminAllow
        configuration.adminPort =
            try env.parse(adminPort, "FAKEPBX_ADMIN_PORT", option: "--admin-port", expected: "a port from 0 to 65535") {
                Int($0).flatMap { (0...65535).contains($0) ? $0 : nil }
            } ?? configuration.adminPort
        configuration.adminPortFile = env.resolve(adminPortFile, "FAKEPBX_ADMIN_PORT_FILE")
        if configuration.adminPortFile != nil, configuration.adminPort == nil {
            throw ValidationError("--admin-port-file applies with --admin-port N (0 picks a free port)")
        }
        configuration.scenarioFolder = env.resolve(scenarioDir, "FAKEPBX_SCENARIO_DIR") ?? configuration.scenarioFolder
        func seconds(_ text: String) -> Double? { Double(text).flatMap { $0.isFinite && (0.1...86_400).contains($0) ? $0 : nil } }
        configuration.headerTimeout =
            try env.parse(
                headerTimeout, "FAKEPBX_HEADER_TIMEOUT", option: "--header-timeout", expected: "seconds from 0.1 to 86400", seconds
            ) ?? configuration.headerTimeout
        configuration.idleTimeout =
            try env.parse(
                idleTimeout, "FAKEPBX_IDLE_TIMEOUT", option: "--idle-timeout", expected: "seconds from 0.1 to 86400", seconds
            ) ?? configuration.idleTimeout
    }
}

/// `--on-miss`: what `serve --replay` does with a request no recorded exchange matches.
/// A setting that is on or off (`--http-redirect off`).
enum Switch: String, CaseIterable, ExpressibleByArgument {
    case on, off
}

enum ReplayMissChoice: String, CaseIterable, ExpressibleByArgument {
    case emulate, error, proxy
}

extension Fail2banProfile: ExpressibleByArgument {}
extension BundleClock: ExpressibleByArgument {}
extension ReplayMode: ExpressibleByArgument {}
extension PBXVersion: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
extension BanAction: ExpressibleByArgument {}
extension RateLimitKey: ExpressibleByArgument {}
// swift-format-ignore: AvoidRetroactiveConformances
// swift-log's level is the option's value as it is; neither package declares this conformance.
extension Logger.Level: @retroactive ExpressibleByArgument {}

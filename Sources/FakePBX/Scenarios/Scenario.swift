import ContractKit
import Foundation
import JSONSchema

/// A YAML scenario: the PBX's dataset, whitelist, credentials, policies and faults, and a timeline
/// of steps (at +30 s enable a fault; after the 5th export call ban the client; advance the clock).
///
/// ```yaml
/// name: rate-limited-autobill
/// description: An autobill run that trips the CDR export limit.
/// policies:
///   rate_limits: {cdr: 3/60}
/// faults:
///   - {id: slow, type: latency, ms: 200, match: {endpoint: export_cdr}}
/// timeline:
///   - after_calls: {count: 5, endpoint: export_cdr}
///     ban: {address: 127.0.0.1, jail: fusionpbx}
///   - at: 30
///     remove_fault: slow
/// ```
public struct Scenario: Sendable {
    /// One timeline step: when it fires and what it does, in order.
    public struct Step: Sendable {
        public enum Trigger: Sendable {
            /// Seconds after the scenario starts, on the server's clock.
            case at(Double)
            /// Once `count` requests matching `match` have been answered.
            case afterCalls(Int, match: Fault.Match)
        }

        public enum Action: Sendable {
            case addFault(JSONValue, pointer: String)
            case removeFault(String)
            case clearFaults
            case ban(IPAddress, jail: String, seconds: Double?)
            case unban(IPAddress)
            case whitelist(Whitelist)
            case whitelistAdd(CIDRBlock)
            case advanceClock(Double)
            case freezeClock
            case resumeClock
            case gatewayState(String, state: String)
            case rateLimit(RateLimitClass, RateLimitRule?)
            /// The HTTPS listener's certificate from now on (new connections).
            case tlsMode(TLSMode)
        }

        public var trigger: Trigger
        public var actions: [Action]
    }

    public var file: String
    public var name: String
    public var description: String
    /// A dataset file, resolved against the scenario's folder.
    public var dataFile: String?
    public var pbxVersion: PBXVersion?
    /// Application versions that differ from the release's (`app_versions: {status: 1.2.0-status}`).
    public var appVersions: [String: String] = [:]
    /// CDR numbers as strings, as PHP's PostgreSQL driver returns them (see ``Dataset/phpTypes``).
    public var phpTypes: Bool?
    public var whitelist: Whitelist?
    public var username: String?
    public var password: String?
    public var apiKey: String?
    public var authProfile: AuthProfile?
    public var fail2banProfile: Fail2banProfile?
    /// Per class; a `nil` rule turns the class off.
    public var rateLimits: [RateLimitClass: RateLimitRule?] = [:]
    public var rateLimitKey: RateLimitKey?
    /// Per jail; a `nil` rule turns the jail off.
    public var jails: [String: JailRule?] = [:]
    public var banAction: BanAction?
    public var ignoreIP: [CIDRBlock]?
    /// The HTTPS certificate mode (`tls: {mode: expired}`), set when the scenario starts.
    public var tlsMode: TLSMode?
    /// Fault documents, read when the scenario starts (relative windows count from then).
    public var faults: [(JSONValue, pointer: String)] = []
    public var timeline: [Step] = []
    /// The seed of `probability` faults that name none (a bundle sets it).
    public var defaultSeed: UInt64 = 1

    /// `cdrs:` settings laid over the dataset's `cdr_generation` (volume, seed, shares).
    public var cdrGeneration = JSONObject()

    static let keys = [
        "name", "description", "dataset", "pbx_version", "app_versions", "php_types", "whitelist", "credentials", "auth_profile", "cdrs", "policies",
        "faults",
        "timeline", "tls",
    ]

    /// Reads and checks a scenario file.
    /// - Throws: ``ScenarioError`` with every problem found, each at its line and column.
    public static func load(contentsOf path: String) throws(ScenarioError) -> Scenario {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScenarioError(
                file: path, issues: [ScenarioIssue(line: 1, column: 1, message: "cannot read the file (check the path and permissions)")])
        }
        return try Scenario(text: String(decoding: data, as: UTF8.self), file: path)
    }

    /// Where a scenario comes from, which decides where its `dataset:` file may be.
    public enum Origin: Sendable, Hashable {
        /// A file the operator named: a relative path is read beside it.
        case file
        /// Posted at run time: paths resolve inside `folder` (`--scenario-dir`) and nowhere else, and
        /// whether a file exists is not said (a posted scenario cannot load a dataset anyway).
        case posted(folder: String)
        /// Inside a bundle, which never loads files outside itself.
        case bundle
    }

    /// Reads and checks scenario text; `file` names it in errors and, for `.file`, anchors a
    /// relative dataset path.
    public init(text: String, file: String, origin: Origin = .file) throws(ScenarioError) {
        let document: YAMLDocument
        do {
            document = try YAMLDocument(text)
        } catch {
            throw ScenarioError(file: file, issues: [error])
        }
        var issues: [ScenarioIssue] = []
        func check(_ body: () throws(SpecError) -> Void) {
            do { try body() } catch { issues.append(document.issue(error)) }
        }
        self.file = file
        name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        description = ""
        let root = SpecReader(document.value)
        guard case .object = document.value else {
            throw ScenarioError(
                file: file,
                issues: [ScenarioIssue(line: 1, column: 1, message: "a scenario is a mapping with keys such as name, policies, faults and timeline")])
        }
        var scenario = self
        check { () throws(SpecError) in try root.rejectUnknown(Scenario.keys) }
        check { () throws(SpecError) in
            if let value = try root.member("name") { scenario.name = try value.string() }
            if let value = try root.member("description") { scenario.description = try value.string() }
        }
        check { () throws(SpecError) in
            guard let value = try root.member("dataset") else { return }
            scenario.dataFile = try Scenario.datasetFile(value, origin: origin, scenarioFile: file)
        }
        check { () throws(SpecError) in
            guard let value = try root.member("cdrs") else { return }
            scenario.cdrGeneration = try Scenario.cdrGeneration(value)
        }
        check { () throws(SpecError) in
            guard let value = try root.member("pbx_version") else { return }
            let text = try value.string()
            guard let version = PBXVersion(text) else { throw value.error("'\(text)' is not a FusionPBX version such as 5.4.9") }
            scenario.pbxVersion = version
        }
        check { () throws(SpecError) in
            guard let value = try root.member("app_versions") else { return }
            scenario.appVersions = try Scenario.appVersions(value)
        }
        check { () throws(SpecError) in
            guard let value = try root.member("php_types") else { return }
            scenario.phpTypes = try value.bool()
        }
        check { () throws(SpecError) in
            guard let value = try root.member("whitelist") else { return }
            scenario.whitelist = try Scenario.whitelist(value)
        }
        check { () throws(SpecError) in
            guard let value = try root.member("credentials") else { return }
            try value.rejectUnknown(["username", "password", "api_key"])
            scenario.username = try value.member("username")?.string()
            scenario.password = try value.member("password")?.string()
            scenario.apiKey = try value.member("api_key")?.string()
        }
        check { () throws(SpecError) in
            scenario.authProfile = try root.member("auth_profile")?.choice(AuthProfile.self)
        }
        check { () throws(SpecError) in
            guard let value = try root.member("tls") else { return }
            try value.rejectUnknown(["mode"])
            scenario.tlsMode = try value.member("mode")?.choice(TLSMode.self)
        }
        if let policies = try? root.member("policies") { scenario.readPolicies(policies, check: check) }
        scenario.readFaultsAndTimeline(root, check: check)
        guard issues.isEmpty else { throw ScenarioError(file: file, issues: issues.sorted { ($0.line, $0.column) < ($1.line, $1.column) }) }
        self = scenario
    }

    /// The `faults` and `timeline` lists, each item checked on its own so every bad one is named.
    private mutating func readFaultsAndTimeline(_ root: SpecReader, check: (() throws(SpecError) -> Void) -> Void) {
        if let faults = try? root.member("faults") {
            check { () throws(SpecError) in _ = try faults.array() }
            for item in (try? faults.array()) ?? [] {
                check { () throws(SpecError) in
                    _ = try Fault(item.value, pointer: item.pointer, now: 0)
                    self.faults.append((item.value, item.pointer))
                }
            }
        }
        if let timeline = try? root.member("timeline") {
            check { () throws(SpecError) in _ = try timeline.array() }
            for item in (try? timeline.array()) ?? [] {
                check { () throws(SpecError) in self.timeline.append(try Scenario.step(item)) }
            }
        }
    }

    static func appVersions(_ reader: SpecReader) throws(SpecError) -> [String: String] {
        var versions: [String: String] = [:]
        for member in try reader.object() {
            guard let value = try reader.member(member.key) else { continue }
            guard PBXApp.all.contains(where: { $0.name == member.key }) else {
                throw value.error("'\(member.key)' is not an ictVoIP application; they are \(PBXApp.all.map(\.name).joined(separator: ", "))")
            }
            versions[member.key] = try value.string()
        }
        return versions
    }

    static func whitelist(_ reader: SpecReader) throws(SpecError) -> Whitelist {
        Whitelist(entries: try reader.list().map { item throws(SpecError) in try block(item) })
    }

    static func block(_ reader: SpecReader) throws(SpecError) -> CIDRBlock {
        let text = try reader.string()
        guard let block = CIDRBlock(text) else { throw reader.error("'\(text)' is not an IP address or CIDR block such as 10.0.0.0/8") }
        return block
    }

    static func rateRule(_ reader: SpecReader) throws(SpecError) -> RateLimitRule? {
        let text = try reader.string()
        if text == "off" { return nil }
        guard let rule = RateLimitRule(text) else { throw reader.error("'\(text)' is not valid; expected COUNT/SECONDS such as 100/60, or off") }
        return rule.limit == 0 ? nil : rule
    }

    static let stepActions = [
        "fault", "remove_fault", "clear_faults", "ban", "unban", "whitelist", "whitelist_add", "advance_clock", "freeze_clock",
        "resume_clock", "gateway_state", "rate_limit", "tls_mode",
    ]

    static func step(_ reader: SpecReader) throws(SpecError) -> Step {
        try reader.rejectUnknown(["at", "after_calls"] + stepActions)
        let trigger: Step.Trigger
        if let at = try reader.member("at") {
            let seconds = try at.double(in: InputLimits.seconds)
            guard seconds >= 0 else { throw at.error("expected seconds from the start, 0 or more") }
            trigger = .at(seconds)
        } else if let calls = try reader.member("after_calls") {
            try calls.rejectUnknown(["count", "endpoint", "path", "method", "client"])
            let count = try calls.required("count").int(in: 1...Int.max)
            // The same matching rules as a fault's `match`.
            var matchDocument = try calls.object()
            matchDocument["count"] = nil
            let probe = try Fault(["type": "reset", "match": .object(matchDocument)], pointer: calls.pointer, now: 0)
            trigger = .afterCalls(count, match: probe.match)
        } else {
            throw reader.error("a step needs 'at: SECONDS' or 'after_calls: {count: N, endpoint: ...}'")
        }
        var actions: [Step.Action] = []
        for key in try reader.object().keys where stepActions.contains(key) {
            let value = try reader.required(key)
            switch key {
            case "fault":
                _ = try Fault(value.value, pointer: value.pointer, now: 0)
                actions.append(.addFault(value.value, pointer: value.pointer))
            case "remove_fault": actions.append(.removeFault(try value.string()))
            case "clear_faults": actions.append(.clearFaults)
            case "ban", "unban":
                let addressReader = key == "ban" ? try value.required("address") : value
                if key == "ban" { try value.rejectUnknown(["address", "jail", "seconds"]) }
                let text = try addressReader.string()
                guard let address = IPAddress(text) else { throw addressReader.error("'\(text)' is not an IP address") }
                if key == "ban" {
                    let jail = try value.member("jail")?.string() ?? JailName.fusionpbx
                    guard JailName.all.contains(jail) else {
                        throw try value.required("jail").error("there is no jail '\(jail)'; expected one of: \(JailName.all.joined(separator: ", "))")
                    }
                    actions.append(.ban(address, jail: jail, seconds: try value.member("seconds")?.double(in: InputLimits.seconds)))
                } else {
                    actions.append(.unban(address))
                }
            case "whitelist": actions.append(.whitelist(try whitelist(value)))
            case "whitelist_add": actions.append(.whitelistAdd(try block(value)))
            case "advance_clock": actions.append(.advanceClock(try value.double(in: InputLimits.seconds)))
            case "freeze_clock": actions.append(.freezeClock)
            case "resume_clock": actions.append(.resumeClock)
            case "gateway_state":
                try value.rejectUnknown(["gateway", "state"])
                actions.append(.gatewayState(try value.required("gateway").string(), state: try value.required("state").string()))
            case "tls_mode": actions.append(.tlsMode(try value.choice(TLSMode.self)))
            case "rate_limit":
                for name in try value.object().keys {
                    let item = try value.required(name)
                    guard let rateClass = RateLimitClass(rawValue: name) else {
                        throw item.error("unknown rate-limit class '\(name)'; expected standard, cdr or gateway")
                    }
                    actions.append(.rateLimit(rateClass, try rateRule(item)))
                }
            default: break
            }
        }
        guard !actions.isEmpty else {
            throw reader.error("the step does nothing; add one of: \(stepActions.joined(separator: ", "))")
        }
        return Step(trigger: trigger, actions: actions)
    }

    /// The `cdrs:` section, each value checked where it is written.
    static func cdrGeneration(_ value: SpecReader) throws(SpecError) -> JSONObject {
        try value.rejectUnknown(CDRGeneration.CodingKeys.allCases.map(\.rawValue))
        var object = JSONObject()
        if let seed = try value.member("seed") { object["seed"] = .string(try seed.string()) }
        for key in ["calls_per_day", "days"] {
            if let number = try value.member(key) { object[key] = .int(try number.int(in: 0...(key == "days" ? 3650 : 10_000_000))) }
        }
        for key in ["special_share", "international_share", "prefix_quirks"] {
            guard let share = try value.member(key) else { continue }
            let number = try share.double()
            guard (0...1).contains(number) else { throw share.error("expected a share from 0 to 1") }
            object[key] = .double(number)
        }
        if let domains = try value.member("domains") {
            var perDomain = JSONObject()
            for member in try domains.object() {
                guard let reader = try domains.member(member.key) else { continue }
                perDomain[member.key] = .int(try reader.int(in: 0...10_000_000))
            }
            object["domains"] = .object(perDomain)
        }
        return object
    }

    /// Applies what is set at start-up: dataset, version, whitelist, credentials and policies.
    public func apply(to configuration: inout FakePBXConfiguration) {
        if let dataFile { configuration.dataFile = dataFile }
        for member in cdrGeneration { configuration.cdrGeneration[member.key] = member.value }
        if let pbxVersion { configuration.pbxVersion = pbxVersion }
        for (app, version) in appVersions { configuration.appVersions[app] = version }
        if let phpTypes { configuration.phpTypes = phpTypes }
        if let whitelist { configuration.whitelist = whitelist }
        if let username { configuration.credentials.username = username }
        if let password { configuration.credentials.password = password }
        if let apiKey { configuration.credentials.apiKey = apiKey }
        if let authProfile { configuration.authProfile = authProfile }
        if let fail2banProfile { configuration.jails = fail2banProfile.rules }
        for (rateClass, rule) in rateLimits { configuration.rateLimits[rateClass] = rule }
        if let rateLimitKey { configuration.rateLimitKey = rateLimitKey }
        for (jail, rule) in jails { configuration.jails[jail] = rule }
        if let banAction { configuration.banAction = banAction }
        if let ignoreIP { configuration.ignoreIP = ignoreIP }
        if let tlsMode { configuration.tls.mode = tlsMode }
    }

    /// Start-up-only settings, which a scenario loaded at run time cannot change.
    var startupOnlySettings: [String] {
        var names: [String] = []
        if dataFile != nil { names.append("dataset") }
        if !cdrGeneration.isEmpty { names.append("cdrs") }
        if pbxVersion != nil { names.append("pbx_version") }
        if !appVersions.isEmpty { names.append("app_versions") }
        if phpTypes != nil { names.append("php_types") }
        if username != nil || password != nil || apiKey != nil { names.append("credentials") }
        if authProfile != nil { names.append("auth_profile") }
        if rateLimitKey != nil { names.append("policies.rate_limit_key") }
        if banAction != nil { names.append("policies.ban_action") }
        if ignoreIP != nil { names.append("policies.ignoreip") }
        return names
    }
}

extension FakePBXConfiguration {
    /// Applies a scenario's start-up settings and starts its faults and timeline with the server.
    public mutating func load(_ scenario: Scenario) {
        scenario.apply(to: &self)
        scenarios.append(scenario)
    }
}

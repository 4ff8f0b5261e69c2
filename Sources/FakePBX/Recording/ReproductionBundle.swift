public import ContractKit
import Foundation
import JSONSchema

/// How `serve --bundle` sets the clock (`--bundle-clock`).
public enum BundleClock: String, Sendable, Hashable, CaseIterable {
    /// From the bundle's instant (when the recording started), running: `Retry-After` and ban
    /// expiries count down as they did.
    case recorded
    /// Real time.
    case now
    /// Stopped at the bundle's instant (until the control API moves it).
    case frozen
}

/// A customer's problem in one JSON file (`fakepbx-bundle/1`): everything that shaped the
/// answers. The recorded traffic, the scenarios (policies, faults, timeline), the tenant state, the
/// PBX and application versions, the auth profile, the TLS mode and HTTPS settings, the clock at
/// recording time and a seed. `fakepbx serve --bundle FILE` reproduces the PBX as it was: the
/// dataset is the bundle's (or the default one generated for its instant), seeded faults repeat, the
/// clock starts at the bundle's instant (``BundleClock``), and the recordings answer as recorded
/// (``ReplayMode/answers``) or under the live policies (``ReplayMode/policies``).
public struct ReproductionBundle: Sendable {
    public static let format = "fakepbx-bundle/1"

    /// HTTPS as the customer's server had it.
    public struct HTTPS: Sendable, Hashable {
        public var mode: TLSMode = .valid
        public var minimumVersion: TLSProtocolVersion?
        public var maximumVersion: TLSProtocolVersion?
        public var clientAuth: TLSClientAuth = .none
        public init() {}
    }

    public var description: String
    public var created: String
    public var pbxVersion: PBXVersion?
    /// ictVoIP applications' version strings, by name (a half-upgraded server).
    public var appVersions: [String: String] = [:]
    public var authProfile: AuthProfile?
    /// HTTPS on (a free port unless `--https-port` says), with these settings; `nil`: HTTP only.
    public var https: HTTPS?
    /// The instant the clock starts at (epoch seconds): when the recording started.
    public var clock: Double?
    /// Seeds `probability` faults that name no seed.
    public var seed: UInt64
    /// Scenario files, by name, as YAML text.
    public var scenarios: [(name: String, yaml: String)]
    public var cassettes: [Cassette]
    /// A tenant dataset document (`fakepbx data export` format).
    public var state: JSONValue?

    public init(
        description: String = "", created: String, pbxVersion: PBXVersion? = nil, clock: Double? = nil, seed: UInt64 = 1,
        scenarios: [(name: String, yaml: String)] = [], cassettes: [Cassette] = [], state: JSONValue? = nil
    ) {
        self.description = description
        self.created = created
        self.pbxVersion = pbxVersion
        self.clock = clock
        self.seed = seed
        self.scenarios = scenarios
        self.cassettes = cassettes
        self.state = state
    }

    public var json: JSONValue {
        var root: JSONObject = ["format": .string(ReproductionBundle.format), "description": .string(description), "created": .string(created)]
        root["pbx_version"] = pbxVersion.map { .string($0.text) } ?? .null
        if !appVersions.isEmpty { root["app_versions"] = Self.versionsJSON(appVersions) }
        if let authProfile { root["auth_profile"] = .string(authProfile.rawValue) }
        if let https {
            var tls: JSONObject = ["mode": .string(https.mode.rawValue), "client_auth": .string(https.clientAuth.rawValue)]
            if let version = https.minimumVersion { tls["min_version"] = .string(version.rawValue) }
            if let version = https.maximumVersion { tls["max_version"] = .string(version.rawValue) }
            root["https"] = .object(tls)
        }
        root["clock"] = clock.map { .string(Timestamp.iso8601(Int($0))) } ?? .null
        root["seed"] = .int(Int(seed))
        root["scenarios"] = .array(scenarios.map { ["name": .string($0.name), "yaml": .string($0.yaml)] })
        root["cassettes"] = .array(cassettes.map(\.json))
        root["state"] = state ?? .null
        return .object(root)
    }

    /// Writes the bundle atomically, pretty-printed.
    public func write(to path: String) throws(FakePBXError) {
        do {
            try json.writeFile(to: path)
        } catch {
            throw FakePBXError(.fileAccess, "cannot write the bundle: \(error.localizedDescription)", at: path)
        }
    }

    /// Reads a bundle file, checking every part (its scenarios, cassettes and state).
    /// - Throws: ``FakePBXError`` naming the file and the JSON pointer of the problem.
    public static func load(contentsOf path: String) throws(FakePBXError) -> ReproductionBundle {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FakePBXError(.fileAccess, "cannot read the bundle (check the path and permissions)", at: path)
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(Array(data))
        } catch {
            throw FakePBXError(.invalidConfiguration, "not valid JSON: \(error)", at: path)
        }
        func fail(_ pointer: String, _ message: String) -> FakePBXError { FakePBXError(.invalidConfiguration, message, at: "\(path)#\(pointer)") }
        guard document["format"]?.stringValue == format else {
            throw fail("/format", "not a fakepbx bundle; expected \"format\": \"\(format)\"")
        }
        var bundle = ReproductionBundle(description: document["description"]?.stringValue ?? "", created: document["created"]?.stringValue ?? "")
        if let text = document["pbx_version"]?.stringValue {
            guard let version = PBXVersion(text) else { throw fail("/pbx_version", "'\(text)' is not a FusionPBX version such as 5.4.9") }
            bundle.pbxVersion = version
        }
        try bundle.readServerSettings(document, fail: fail)
        if let text = document["clock"]?.stringValue {
            guard let epoch = Timestamp.parseISO8601(text) else { throw fail("/clock", "'\(text)' is not a time such as 2026-11-23T12:00:00Z") }
            bundle.clock = epoch
        }
        if case .number(let seed)? = document["seed"] {
            guard let value = seed.intValue, value >= 0 else { throw fail("/seed", "expected a whole number, 0 or more") }
            bundle.seed = UInt64(value)
        }
        for (index, item) in (document["scenarios"]?.arrayValue ?? []).enumerated() {
            guard let yaml = item["yaml"]?.stringValue else { throw fail("/scenarios/\(index)/yaml", "expected the scenario's YAML text") }
            let name = item["name"]?.stringValue ?? "scenario-\(index + 1)"
            do {
                _ = try Scenario(text: yaml, file: "\(path)#/scenarios/\(index)", origin: .bundle)
            } catch {
                throw FakePBXError(.invalidConfiguration, "the scenario is not valid:\n\(error)", at: "\(path)#/scenarios/\(index)")
            }
            bundle.scenarios.append((name, yaml))
        }
        for (index, item) in (document["cassettes"]?.arrayValue ?? []).enumerated() {
            do {
                bundle.cassettes.append(try Cassette(item, file: "\(path)#/cassettes/\(index)"))
            } catch {
                throw FakePBXError(.invalidConfiguration, error.message, at: error.location)
            }
        }
        if let state = document["state"], state != .null {
            do {
                _ = try Dataset.decode(Data(state.serializedBytes()), source: "\(path)#/state")
            } catch {
                throw FakePBXError(.invalidConfiguration, "the state is not a valid dataset: \(error)", at: "\(path)#/state")
            }
            bundle.state = state
        }
        return bundle
    }

    /// The server's settings of a bundle document: application versions, auth profile, HTTPS.
    private mutating func readServerSettings(_ document: JSONValue, fail: (String, String) -> FakePBXError) throws(FakePBXError) {
        if let versions = document["app_versions"], versions != .null {
            guard case .object(let object) = versions else { throw fail("/app_versions", "expected an object of NAME: VERSION strings") }
            for member in object {
                guard let version = member.value.stringValue else { throw fail("/app_versions/\(member.key)", "expected a version string") }
                appVersions[member.key] = version
            }
            do {
                _ = try PBXApp.checked(appVersions)
            } catch {
                throw fail("/app_versions", "\(error)")
            }
        }
        func choice<T: RawRepresentable & CaseIterable>(_ member: JSONValue?, _ pointer: String) throws(FakePBXError) -> T?
        where T.RawValue == String {
            guard let member, member != .null else { return nil }
            guard let text = member.stringValue, let value = T(rawValue: text) else {
                throw fail(pointer, "expected one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return value
        }
        authProfile = try choice(document["auth_profile"], "/auth_profile")
        if let tls = document["https"], tls != .null {
            var https = HTTPS()
            https.mode = try choice(tls["mode"], "/https/mode") ?? .valid
            https.minimumVersion = try choice(tls["min_version"], "/https/min_version")
            https.maximumVersion = try choice(tls["max_version"], "/https/max_version")
            https.clientAuth = try choice(tls["client_auth"], "/https/client_auth") ?? .none
            self.https = https
        }
    }

    /// Sets up a configuration to reproduce the bundle; flags applied afterwards win.
    /// - Parameters:
    ///   - clock: where the clock starts and whether it runs.
    ///   - mode: how the recordings answer (default ``ReplayMode/answers``: as recorded).
    public func apply(
        to configuration: inout FakePBXConfiguration, source: String, clock clockChoice: BundleClock = .recorded, mode: ReplayMode = .answers
    )
        throws
    {
        configuration.bundleFile = source
        if let pbxVersion { configuration.pbxVersion = pbxVersion }
        for (name, version) in appVersions { configuration.appVersions[name] = version }
        if let authProfile { configuration.authProfile = authProfile }
        if let https {
            configuration.tls.port = configuration.tls.port ?? 0
            configuration.tls.mode = https.mode
            configuration.tls.minimumVersion = https.minimumVersion
            configuration.tls.maximumVersion = https.maximumVersion
            configuration.tls.clientAuth = https.clientAuth
        }
        switch clockChoice {
        case .recorded: configuration.startClock = clock
        case .frozen: configuration.frozenClock = clock
        case .now: break
        }
        if let state { configuration.dataset = try Dataset.decode(Data(state.serializedBytes()), source: "\(source)#/state") }
        for (index, item) in scenarios.enumerated() {
            var scenario = try Scenario(text: item.yaml, file: "\(source)#/scenarios/\(index)", origin: .bundle)
            scenario.name = item.name
            scenario.defaultSeed = seed
            configuration.load(scenario)
        }
        for (index, cassette) in cassettes.enumerated() {
            configuration.replayLoaded.append(("\(source)#/cassettes/\(index)", cassette))
        }
        configuration.replayMode = mode
    }

    /// The instant the earliest recorded exchange started, if any has a time: a bundle's clock by default.
    public static func recordingStart(_ cassettes: [Cassette]) -> Double? {
        cassettes.flatMap(\.exchanges).compactMap { $0.timing.flatMap { Timestamp.parseISO8601($0.startedAt) } }.min()
    }

    /// What the bundle holds, for `fakepbx bundle show --json`.
    public var summary: JSONValue {
        var root: JSONObject = ["format": .string(Self.format), "description": .string(description), "created": .string(created)]
        root["pbx_version"] = pbxVersion.map { .string($0.text) } ?? .null
        root["app_versions"] = Self.versionsJSON(appVersions)
        root["auth_profile"] = authProfile.map { .string($0.rawValue) } ?? .null
        root["https"] =
            https.map { https in
                [
                    "mode": .string(https.mode.rawValue), "min_version": https.minimumVersion.map { .string($0.rawValue) } ?? .null,
                    "max_version": https.maximumVersion.map { .string($0.rawValue) } ?? .null, "client_auth": .string(https.clientAuth.rawValue),
                ]
            } ?? .null
        root["clock"] = clock.map { .string(Timestamp.iso8601(Int($0))) } ?? .null
        root["seed"] = .int(Int(seed))
        root["state"] =
            state.map { state in
                // How many of each kind of record it holds (domains, extensions, …).
                var counts = JSONObject()
                if case .object(let object) = state {
                    for member in object { if case .array(let items) = member.value { counts[member.key] = .int(items.count) } }
                }
                return .object(counts)
            } ?? .null
        root["scenarios"] = .array(
            scenarios.enumerated().map { index, item in
                let parsed = try? Scenario(text: item.yaml, file: "#/scenarios/\(index)", origin: .bundle)
                return [
                    "name": .string(item.name), "description": .string(parsed?.description ?? ""),
                    "faults": .int(parsed?.faults.count ?? 0), "timeline_steps": .int(parsed?.timeline.count ?? 0),
                ]
            })
        root["cassettes"] = .array(
            cassettes.map { cassette in
                var statuses = JSONObject()
                for (key, count) in Dictionary(grouping: cassette.exchanges, by: Self.ending).mapValues(\.count).sorted(by: { $0.key < $1.key }) {
                    statuses[key] = .int(count)
                }
                let times = cassette.exchanges.compactMap { $0.timing?.startedAt }.sorted()
                return [
                    "name": .string(cassette.name), "source": .string(cassette.source), "exchanges": .int(cassette.exchanges.count),
                    "first": times.first.map(JSONValue.string) ?? .null, "last": times.last.map(JSONValue.string) ?? .null,
                    "endings": .object(statuses),
                ]
            })
        return .object(root)
    }

    private static func versionsJSON(_ versions: [String: String]) -> JSONValue {
        var object = JSONObject()
        for name in versions.keys.sorted() { object[name] = .string(versions[name]!) }
        return .object(object)
    }

    /// How an exchange ended, for counting: its status, or its connection outcome.
    private static func ending(_ exchange: Exchange) -> String {
        if let outcome = exchange.outcome, outcome != .brokeOff || exchange.response == nil { return outcome.rawValue }
        guard let response = exchange.response else { return "no answer" }
        return exchange.outcome == .brokeOff ? "\(response.status) broke-off" : String(response.status)
    }
}

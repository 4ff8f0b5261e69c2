public import ContractKit
import Foundation
import JSONSchema

/// A customer's problem in one JSON file (`fakepbx-bundle/1`): recorded traffic, scenarios, the
/// tenant state, the PBX version, the clock and a seed. `fakepbx serve --bundle FILE` reproduces
/// the PBX as it was, deterministically: the clock starts frozen at the bundle's instant, the
/// dataset is the bundle's (or the default one generated for that instant), and seeded faults
/// repeat.
public struct ReproductionBundle: Sendable {
    public static let format = "fakepbx-bundle/1"

    public var description: String
    public var created: String
    public var pbxVersion: PBXVersion?
    /// The instant the clock starts frozen at (epoch seconds).
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

    /// Sets up a configuration to reproduce the bundle; flags applied afterwards win.
    public func apply(to configuration: inout FakePBXConfiguration, source: String) throws {
        if let pbxVersion { configuration.pbxVersion = pbxVersion }
        if let clock { configuration.frozenClock = clock }
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
    }
}

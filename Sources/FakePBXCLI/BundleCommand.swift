import ArgumentParser
import ContractKit
import FakePBX
import Foundation
import JSONSchema

struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Package a customer's problem so anyone can reproduce it with 'fakepbx serve --bundle FILE'.",
        subcommands: [Create.self, Show.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract:
                "Write one JSON bundle: cassettes, scenarios (policies, faults, timeline), a state snapshot, the PBX and app versions, the auth profile, HTTPS settings, the clock and a seed."
        )

        @Option(help: "The bundle to write, e.g. ISSUE-1234.fakepbx.json.") var out: String
        @Option(help: "A cassette of recorded traffic to replay (repeatable).") var cassette: [String] = []
        @Option(help: "A scenario file (repeatable).") var scenario: [String] = []
        @Option(help: "A dataset file (GET /__fakepbx/state or 'fakepbx data export') to start from.") var state: String?
        @Option(help: "The FusionPBX version to report, e.g. 5.4.9.") var pbxVersion: String?
        @Option(help: "An ictVoIP application's version as NAME=VERSION, as the server had it. Repeatable.") var appVersion: [String] = []
        @Option(help: "Which credentials the server demanded.") var authProfile: AuthProfile?
        @Flag(help: "The server answered over HTTPS (serve --bundle then listens for HTTPS too, on a free port unless --https-port says).")
        var https = false
        @Option(help: "With --https: the certificate the server presented.") var tlsMode: TLSMode?
        @Option(help: "With --https: the lowest TLS version the server accepted.") var tlsMinVersion: TLSProtocolVersion?
        @Option(help: "With --https: the highest TLS version the server accepted.") var tlsMaxVersion: TLSProtocolVersion?
        @Option(help: "With --https: whether the server asked for a client certificate.") var tlsClientAuth: TLSClientAuth?
        @Option(
            help: "The instant the recording started, e.g. 2026-11-23T02:00:00Z (default: the earliest recorded exchange's time, else now).")
        var clock: String?
        @Option(parsing: .unconditional, help: "Seed for probability faults that name none.") var seed: UInt64 = 1
        @Option(help: "What the bundle reproduces, for a reader.") var description: String = ""

        func run() throws {
            try create()
        }

        private func create() throws {
            let now = Date().timeIntervalSince1970
            var bundle = ReproductionBundle(description: description, created: ContractReport.timestamp(Date()), seed: seed)
            if let pbxVersion {
                guard let version = PBXVersion(pbxVersion) else {
                    throw ValidationError("--pbx-version: '\(pbxVersion)' is not a version such as 5.4.9")
                }
                bundle.pbxVersion = version
            }
            for item in appVersion {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else {
                    throw ValidationError("--app-version: '\(item)' is not valid; expected NAME=VERSION, e.g. status=1.2.0-status")
                }
                bundle.appVersions[parts[0]] = parts[1]
            }
            _ = try PBXApp.checked(bundle.appVersions)
            bundle.authProfile = authProfile
            if https {
                var settings = ReproductionBundle.HTTPS()
                settings.mode = tlsMode ?? .valid
                settings.minimumVersion = tlsMinVersion
                settings.maximumVersion = tlsMaxVersion
                settings.clientAuth = tlsClientAuth ?? .none
                bundle.https = settings
            } else if tlsMode != nil || tlsMinVersion != nil || tlsMaxVersion != nil || tlsClientAuth != nil {
                throw ValidationError("the --tls-* options describe HTTPS; add --https")
            }
            for path in cassette { bundle.cassettes.append(try Cassette.load(contentsOf: path)) }
            if let clock {
                guard let epoch = ISO8601DateFormatter().date(from: clock)?.timeIntervalSince1970 else {
                    throw ValidationError("--clock: '\(clock)' is not a time such as 2026-11-23T12:00:00Z")
                }
                bundle.clock = epoch
            } else {
                bundle.clock = ReproductionBundle.recordingStart(bundle.cassettes) ?? now.rounded(.down)
            }
            for path in scenario {
                let parsed = try Scenario.load(contentsOf: path)
                if parsed.dataFile != nil {
                    throw ValidationError("\(path) names a dataset file; pass that file with --state instead, so the bundle holds it")
                }
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ValidationError("\(path): cannot read the file") }
                bundle.scenarios.append((parsed.name, text))
            }
            if let state {
                let dataset = try Dataset.load(contentsOf: state)
                bundle.state = try JSONParser.parse(Array(try dataset.encodedJSON()))
            }
            try bundle.write(to: out)
            print(
                "\(out): \(bundle.cassettes.count) cassettes, \(bundle.scenarios.count) scenarios, state \(bundle.state == nil ? "default dataset" : "included"), clock \(bundle.clock.map { ContractReport.timestamp(Date(timeIntervalSince1970: $0)) } ?? "-")"
            )
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print what a bundle holds: versions, auth, HTTPS, clock, scenarios, state and the recorded exchanges' endings."
        )

        @Argument(help: "The bundle file.") var file: String
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() throws {
            let summary = try ReproductionBundle.load(contentsOf: file).summary
            print(json ? summary.serialized(.pretty) : Self.text(summary, file: file), terminator: json ? "\n" : "")
        }

        /// The summary as lines for a reader.
        static func text(_ summary: JSONValue, file: String) -> String {
            func string(_ key: String) -> String? { summary[key]?.stringValue }
            func count(_ value: JSONValue?) -> Int { if case .number(let number)? = value { number.intValue ?? 0 } else { 0 } }
            var lines = ["\(file) (\(ReproductionBundle.format), created \(string("created") ?? "-"))"]
            if let description = string("description"), !description.isEmpty { lines.append("  description: \(description)") }
            lines.append("  pbx version: \(string("pbx_version") ?? "default")")
            let apps = summary["app_versions"]?.objectValue.map { $0.map { "\($0.key)=\($0.value.stringValue ?? "")" } } ?? []
            if !apps.isEmpty { lines.append("  app versions: \(apps.joined(separator: ", "))") }
            lines.append("  auth profile: \(string("auth_profile") ?? "default")")
            if let https = summary["https"], https != .null {
                let versions = [https["min_version"]?.stringValue.map { "min TLS \($0)" }, https["max_version"]?.stringValue.map { "max TLS \($0)" }]
                    .compactMap { $0 }
                lines.append(
                    "  https: mode \(https["mode"]?.stringValue ?? "valid"), client certificates \(https["client_auth"]?.stringValue ?? "none")"
                        + (versions.isEmpty ? "" : ", " + versions.joined(separator: ", ")))
            } else {
                lines.append("  https: no (HTTP only)")
            }
            lines.append("  clock: \(string("clock") ?? "-") (serve --bundle starts there and runs; --bundle-clock now|frozen)")
            lines.append("  seed: \(count(summary["seed"]))")
            if let state = summary["state"]?.objectValue {
                lines.append("  state: " + state.map { "\(count($0.value)) \($0.key)" }.joined(separator: ", "))
            } else {
                lines.append("  state: the default dataset")
            }
            for scenario in summary["scenarios"]?.arrayValue ?? [] {
                lines.append(
                    "  scenario \(scenario["name"]?.stringValue ?? "-"): \(count(scenario["faults"])) faults, \(count(scenario["timeline_steps"])) timeline steps"
                        + ((scenario["description"]?.stringValue).flatMap { $0.isEmpty ? nil : "; \($0)" } ?? ""))
            }
            for cassette in summary["cassettes"]?.arrayValue ?? [] {
                let endings = cassette["endings"]?.objectValue.map { $0.map { "\(count($0.value))× \($0.key)" } } ?? []
                lines.append(
                    "  cassette \(cassette["name"]?.stringValue ?? "-"): \(count(cassette["exchanges"])) exchanges"
                        + (cassette["first"]?.stringValue.map { " from \($0)" } ?? "") + (cassette["last"]?.stringValue.map { " to \($0)" } ?? "")
                        + (endings.isEmpty ? "" : "; " + endings.joined(separator: ", ")))
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }
}

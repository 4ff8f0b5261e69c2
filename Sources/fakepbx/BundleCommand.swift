import ArgumentParser
import ContractKit
import FakePBX
import Foundation
import JSONSchema

struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Package a customer's problem so anyone can reproduce it with 'fakepbx serve --bundle FILE'.",
        subcommands: [Create.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Write one JSON bundle from cassettes, scenarios, a state snapshot, the PBX version, the clock and a seed."
        )

        @Option(help: "The bundle to write, e.g. ISSUE-1234.fakepbx.json.") var out: String
        @Option(help: "A cassette of recorded traffic to replay (repeatable).") var cassette: [String] = []
        @Option(help: "A scenario file (repeatable).") var scenario: [String] = []
        @Option(help: "A dataset file (GET /__fakepbx/state or 'fakepbx data export') to start from.") var state: String?
        @Option(help: "The FusionPBX version to report, e.g. 5.4.9.") var pbxVersion: String?
        @Option(help: "The instant the clock starts frozen at, e.g. 2026-11-23T12:00:00Z (default: now).") var clock: String?
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
            if let clock {
                guard let epoch = ISO8601DateFormatter().date(from: clock)?.timeIntervalSince1970 else {
                    throw ValidationError("--clock: '\(clock)' is not a time such as 2026-11-23T12:00:00Z")
                }
                bundle.clock = epoch
            } else {
                bundle.clock = now.rounded(.down)
            }
            for path in cassette { bundle.cassettes.append(try Cassette.load(contentsOf: path)) }
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
}

import ContractKit
import FakePBX
import Foundation
import TestSupport
import Testing

/// `upgrade check` between emulated releases, over HTTP, with the contract cases as the traffic.
@Suite("Upgrade check")
struct UpgradeCheckTests {
    static func check(_ old: String, _ new: String, traffic: Cassette? = nil) async throws -> UpgradeCheck.Outcome {
        let configurations = [old, new].map { version in
            var configuration = FakePBXConfiguration()
            configuration.pbxVersion = PBXVersion(version)!
            // Now, as the cases ask for the last week of CDRs by the date here.
            configuration.frozenClock = (Date().timeIntervalSince1970 / 60).rounded(.down) * 60
            configuration.rateLimits = [:]
            configuration.jails = [:]
            return configuration
        }
        return try await withEmulatedServers(configurations, logger: quietLogger) { servers in
            var settings = ContractRunConfiguration(target: "")
            settings.username = "admin"
            settings.password = "your-password"
            settings.timeout = .seconds(60)  // a hang bound
            let check = UpgradeCheck(
                from: .init(label: old, url: servers[0].url), to: .init(label: new, url: servers[1].url), traffic: traffic, settings: settings,
                catalog: try ContractCatalog.embedded())
            return try await check.run()
        }
    }

    @Test("5.4.9 → 5.5.7: the flags that became booleans, as one finding over every operation, and the CSV's tta renamed wait")
    func flagsAndCSV() async throws {
        let outcome = try await Self.check("5.4.9", "5.5.7")
        let flags = try #require(
            outcome.findings.first { $0.id == "type-changed: string 'true'/'false' -> boolean" }, "\(outcome.findings.map(\.id))")
        #expect(flags.breaks)
        let operations = Set(flags.places.map { String($0.prefix { $0 != " " }) })
        #expect(operations.count >= 3, "\(flags.places)")
        let csv = try #require(outcome.findings.first { $0.id == "csv-column-renamed: tta -> wait" }, "\(outcome.findings.map(\.id))")
        #expect(csv.breaks)
        let report = outcome.report(from: "5.4.9", to: "5.5.7", accepted: [], started: Date())
        #expect(report.exitCode == 1)
        #expect(report.consoleSummary().hasSuffix("a client may break"), "\(report.consoleSummary())")
        // Accepted after review: reported, not failed.
        let reviewed = outcome.report(
            from: "5.4.9", to: "5.5.7", accepted: Set(outcome.findings.filter(\.breaks).map(\.id)), started: Date())
        #expect(reviewed.exitCode == 0)
    }

    @Test(
        "a release against itself, and 5.5.3 → 5.5.4: nothing breaks, and the noise is counted", arguments: [("5.5.7", "5.5.7"), ("5.5.3", "5.5.4")])
    func nothingBreaks(_ old: String, _ new: String) async throws {
        let outcome = try await Self.check(old, new)
        #expect(outcome.findings.filter(\.breaks).isEmpty, "\(outcome.findings.map { "\($0.id): \($0.places)" })")
        #expect(outcome.compared > 50)
        #expect(outcome.noise > 0, "two runs of a side differ in the UUIDs provisioning creates")
        #expect(outcome.report(from: old, to: new, accepted: [], started: Date()).exitCode == 0)
    }

    /// Each step of docs/upgrades.md, checked against `upgrade check` between the same releases.
    static let steps: [(String, String)] = {
        var seen: [(String, String)] = []
        for note in FusionPBXReleases.upgradeNotes where !seen.contains(where: { $0 == (note.from.text, note.to.text) }) {
            seen.append((note.from.text, note.to.text))
        }
        return seen
    }()

    @Test("upgrade check agrees with docs/upgrades.md: the same breaking findings at every step", arguments: steps)
    func agreesWithTheNotes(_ old: String, _ new: String) async throws {
        let notes = FusionPBXReleases.upgradeNotes.filter { $0.from.text == old && $0.to.text == new }
        let outcome = try await Self.check(old, new)
        #expect(
            Set(outcome.findings.filter(\.breaks).map(\.id)) == Set(notes.filter(\.breaks).map(\.findingID)),
            "upgrade check found \(outcome.findings.map(\.id)); the notes say \(notes.map(\.findingID))")
    }

    @Test("docs/upgrades.md is what the release table gives")
    func theNotesAreCurrent() throws {
        let file = try String(contentsOf: repositoryFile("docs/upgrades.md"), encoding: .utf8)
        #expect(file == FusionPBXReleases.upgradeNotesMarkdown(), "regenerate it: swift run fakepbx upgrade notes > docs/upgrades.md")
    }

    @Test("a PHP client's traffic, recorded through fakepbx record, is the input: its extension list shows the flags")
    func recordedPHPTraffic() async throws {
        try await withTemporaryDirectory { dir in
            let cassette = dir.appendingPathComponent("billing-module.json").path
            try await withFakePBX { upstream in
                let configuration = RecordingConfiguration(upstream: upstream.httpURL(), output: cassette)
                let outcomes = try await withRecordingProxy(configuration) { port in
                    try await PHPClient.send([
                        PHPClient.Call(url: "http://127.0.0.1:\(port)/app/status/index.php"),
                        PHPClient.Call(
                            url: "http://127.0.0.1:\(port)/app/extensions/manage_extension.php",
                            fields: ["action": "list", "domain_name": "yourdomain.com"], encoding: .urlencoded),
                    ])
                }
                #expect(outcomes.map(\.status) == [200, 200], "\(outcomes.map(\.body))")
            }
            let traffic = try Cassette.load(contentsOf: cassette)
            #expect(traffic.exchanges.count == 2)
            #expect(!(try String(contentsOfFile: cassette, encoding: .utf8)).contains("your-password"), "the recording is redacted")
            let outcome = try await Self.check("5.4.9", "5.5.7", traffic: traffic)
            let flags = try #require(
                outcome.findings.first { $0.id == "type-changed: string 'true'/'false' -> boolean" }, "\(outcome.findings.map(\.id))")
            #expect(flags.places.contains { $0.hasPrefix("manage_extension.list /extensions/*/") }, "\(flags.places)")
            #expect(outcome.compared == 2)
        }
    }
}

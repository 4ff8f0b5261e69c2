import FakePBX
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Scenarios")
struct ScenarioTests {
    static let status = "/app/status/index.php"
    static let export = "/app/xml_cdr/export_cdr.php"

    static func scenario(_ text: String) throws -> Scenario {
        try Scenario(text: text, file: "test.yaml")
    }

    static func control(_ server: TestServer, _ method: String, _ path: String, _ body: String = "", type: String = "application/json") async throws
        -> HTTPResult
    {
        // Through --admin-port when the server has one: bans do not apply there.
        try await RawHTTPClient.request(
            port: server.adminPort ?? server.port, method: method, path: "/__fakepbx/\(path)", body: body, contentType: type)
    }

    @Test func everyShippedScenarioIsValid() throws {
        let folder = repositoryFile("scenarios")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(
            files == [
                "banned-after-password-change.yaml", "certificate-expired.yaml", "flaky-cdr-export.yaml", "gateway-down.yaml",
                "night-run.yaml", "rate-limited-autobill.yaml",
                "slow-pbx.yaml", "whitelist-denied.yaml",
            ])
        for file in files {
            let scenario = try Scenario.load(contentsOf: folder.appendingPathComponent(file).path)
            #expect(!scenario.description.isEmpty, "\(file)")
        }
    }

    @Test func lintReportsEveryProblemWithLineAndColumn() throws {
        let text = """
            name: broken
            polices: {}
            faults:
              - type: status
                status: 999
              - type: explode
            timeline:
              - at: 10
            """
        let error = #expect(throws: ScenarioError.self) { try Self.scenario(text) }
        let issues = error?.issues.map(\.description) ?? []
        #expect(issues.count == 4, "\(issues)")
        #expect(issues.first?.hasPrefix("2:1: /polices: unknown key 'polices'; expected one of: name, description") == true)
        #expect(issues.contains("5:13: /faults/0/status: expected a whole number from 100 to 599"))
        #expect(issues.contains { $0.hasPrefix("6:11: /faults/1/type: unknown fault type 'explode'") })
        #expect(issues.contains { $0.hasPrefix("8:5: /timeline/0: the step does nothing") })
        let syntax = #expect(throws: ScenarioError.self) { try Self.scenario("faults: [\n") }
        #expect(syntax?.issues.first?.description.hasPrefix("2:1: YAML syntax:") == true)
    }

    @Test func aTimelineRunsInOrderOnTheVirtualClock() async throws {
        var configuration = FakePBXConfiguration()
        let scenario = try Self.scenario(
            """
            name: ordered
            timeline:
              - at: 30
                fault: {id: second, type: status, status: 502}
              - at: 10
                fault: {id: first, type: status, status: 500}
              - at: 60
                clear_faults: true
            """)
        configuration.load(scenario)
        try await withFakePBX({
            $0 = {
                var c = configuration
                c.port = 0
                return c
            }()
        }) { (server: TestServer) async throws in
            #expect(try await server.post(Self.status).status == 200)
            _ = try await Self.control(server, "POST", "clock/advance", #"{"seconds": 10}"#)
            #expect(try await server.post(Self.status).status == 500)
            _ = try await Self.control(server, "POST", "clock/advance", #"{"seconds": 20}"#)
            // Both faults are in force and stack in the order they were added: the later status replaces the earlier.
            let both = try await server.post(Self.status)
            #expect(both.status == 502 && both.header("X-FakePBX-Fault") == "first, second")
            _ = try await Self.control(server, "DELETE", "faults/first")
            #expect(try await server.post(Self.status).status == 502)
            _ = try await Self.control(server, "POST", "clock/advance", #"{"seconds": 30}"#)
            #expect(try await server.post(Self.status).status == 200)
            let steps = try await Self.control(server, "GET", "scenario").json()["steps"] as? [[String: Any]]
            #expect(steps?.allSatisfy { $0["fired"] as? Bool == true } == true)
        }
    }

    @Test func afterTheFifthExportTheClientIsBanned() async throws {
        let text = """
            name: ban-after-exports
            policies:
              rate_limits: {cdr: off}
            timeline:
              - after_calls: {count: 5, endpoint: export_cdr}
                ban: {address: 127.0.0.1, jail: fusionpbx, seconds: 600}
            """
        // Loaded at run time through the control API; after the ban, the test cleans up through --admin-port.
        try await withFakePBX({ $0.adminPort = 0 }) { (server: TestServer) async throws in
            let loaded = try await Self.control(server, "POST", "scenario", text, type: "application/yaml")
            #expect(loaded.status == 200, "\(loaded.text)")
            for call in 1...5 {
                #expect(try await server.post(Self.export, ["date_start": "2026-11-20", "date_end": "2026-11-20"]).status == 200, "export \(call)")
            }
            let refused = await #expect(throws: RawHTTPClient.Failure.self) { try await server.post(Self.status) }
            #expect(refused?.errno == ECONNRESET)
            // A timeline's ban is journalled as a control-API ban is, saying who banned.
            let events = try await Self.control(server, "GET", "journal?event=ban-started").json()["requests"] as? [[String: Any]] ?? []
            #expect(events.contains { ($0["detail"] as? String)?.contains("by scenario ban-after-exports, step 1") == true }, "\(events)")
            _ = try await Self.control(server, "POST", "clock/advance", #"{"seconds": 601}"#)
            #expect(try await server.post(Self.status).status == 200)
        }
    }

    @Test func startupSettingsComeFromTheScenarioAndRuntimeLoadsRefuseThem() async throws {
        var configuration = FakePBXConfiguration()
        configuration.load(try Scenario.load(contentsOf: repositoryFile("scenarios/banned-after-password-change.yaml").path))
        #expect(configuration.credentials.password == "the-new-password")
        configuration.load(try Scenario.load(contentsOf: repositoryFile("scenarios/whitelist-denied.yaml").path))
        configuration.port = 0
        try await withFakePBX({ $0 = configuration }) { (server: TestServer) async throws in
            // whitelist-denied: 127.0.0.1 is not whitelisted until the 60 s step.
            let denied = try await server.post(Self.status, ["username": "admin", "password": "the-new-password"])
            #expect(denied.status == 403)
            _ = try await Self.control(server, "POST", "clock/advance", #"{"seconds": 60}"#)
            #expect(try await server.post(Self.status, ["username": "admin", "password": "the-new-password"]).status == 200)
            // The old password fails.
            #expect(try await server.post(Self.status).status == 401)

            let refused = try await Self.control(server, "POST", "scenario", "credentials: {password: x}\n", type: "application/yaml")
            #expect(refused.status == 400)
            #expect(refused.text.contains("credentials can only be set at start-up"))
        }
    }

    @Test func gatewayDownIsReportedDown() async throws {
        var configuration = FakePBXConfiguration()
        configuration.load(try Scenario.load(contentsOf: repositoryFile("scenarios/gateway-down.yaml").path))
        configuration.port = 0
        try await withFakePBX({ $0 = configuration }) { (server: TestServer) async throws in
            func state() async throws -> String? {
                let list = try await server.json("/app/gateways/provision_list.php")["gateways"] as? [[String: Any]]
                return list?.first { $0["gateway_name"] as? String == "carrier_ca" }?["gateway_status"] as? String
            }
            #expect(try await state() == "UP")
            _ = try await Self.control(server, "POST", "clock/advance", #"{"seconds": 30}"#)
            #expect(try await state() == "DOWN")
            _ = try await Self.control(server, "POST", "clock/advance", #"{"seconds": 120}"#)
            #expect(try await state() == "UP")
        }
    }

    @Test func aScenarioSetsTheCallVolumeAndSeed() async throws {
        let week = ["date_start": "2026-11-16", "date_end": "2026-11-22"]
        let busy = try Self.scenario(
            """
            cdrs:
              seed: busy-week
              calls_per_day: 200
              domains: {yourdomain.com: 0}
            """)
        let counts = try await withFakePBX({ $0.load(busy) }) { (server: TestServer) async throws in
            let check = try await server.json("/app/xml_cdr/check_cdrs.php", week)
            let domains = check["domains"] as? [[String: Any]] ?? []
            #expect(!domains.contains { $0["domain_name"] as? String == "yourdomain.com" }, "a tenant set to 0 calls has none")
            let uuids =
                try await server.json(Self.export, week.merging(["domain_name": "northwind.pbx.example.com"]) { $1 })["records"] as? [[String: Any]]
            return (check["total_records"] as? Int ?? 0, uuids?.first?["xml_cdr_uuid"] as? String)
        }
        let plain = try await withFakePBX { (server: TestServer) async throws in
            try await server.json("/app/xml_cdr/check_cdrs.php", week)["total_records"] as? Int ?? 0
        }
        #expect(counts.0 > plain * 3, "200 calls a weekday per tenant against the default 12 to 22")

        // calls_per_day alone applies to every tenant of the embedded dataset, whose own per-tenant
        // volumes would otherwise leave it no tenant to apply to.
        let alone = try Self.scenario("cdrs: {calls_per_day: 200}")
        let aloneCount = try await withFakePBX({ $0.load(alone) }) { (server: TestServer) async throws in
            try await server.json("/app/xml_cdr/check_cdrs.php", week)["total_records"] as? Int ?? 0
        }
        #expect(aloneCount > plain * 3, "calls_per_day: 200 gave \(aloneCount) records a week against \(plain)")

        let bad = #expect(throws: ScenarioError.self) {
            try Self.scenario("cdrs:\n  calls_per_day: -1\n")
        }
        #expect(bad?.issues.map(\.description) == ["2:18: /cdrs/calls_per_day: expected a whole number from 0 to 10000000"])
        let share = #expect(throws: ScenarioError.self) { try Self.scenario("cdrs: {prefix_quirks: 3}") }
        #expect(share?.issues.first?.description == "1:23: /cdrs/prefix_quirks: expected a share from 0 to 1")
        let unknown = #expect(throws: ScenarioError.self) { try Self.scenario("cdrs:\n  volume: 2\n") }
        #expect(unknown?.issues.first?.description.hasPrefix("2:3: /cdrs/volume: unknown key 'volume'; expected one of: seed, calls_per_day") == true)
    }
}

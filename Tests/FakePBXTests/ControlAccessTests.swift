import FakePBX
import Foundation
import TestSupport
import Testing

/// Who may drive the fake: loopback only by default, a token from everyone, health for all, a port
/// of its own that bans do not touch, scenario files only from the chosen folder.
@Suite("Control API access")
struct ControlAccessTests {
    func control(
        _ port: Int, _ method: String, _ path: String, _ body: String = "", from source: String? = nil, headers: [String: String] = [:]
    ) async throws -> HTTPResult {
        try await RawHTTPClient.request(
            port: port, from: source, method: method, path: "/__fakepbx/\(path)", headers: headers, body: body, contentType: "application/json"
        )
    }

    @Test("by default only 127.0.0.1 and ::1 may use it; health stays open; --admin-allow widens it")
    func defaultIsLoopbackOnly() async throws {
        try await withFakePBX { (server: TestServer) async throws in
            let elsewhere = try await control(server.port, "POST", "reset", from: "127.0.0.2")
            #expect(elsewhere.status == 403)
            #expect(elsewhere.text.contains("the control API answers only 127.0.0.1, ::1 (--admin-allow), not 127.0.0.2"), "\(elsewhere.text)")
            #expect(try await control(server.port, "GET", "state", from: "127.0.0.2").status == 403)
            #expect(try await control(server.port, "GET", "health", from: "127.0.0.2").status == 200)
            #expect(try await control(server.port, "GET", "state").status == 200)
        }
        try await withFakePBX({ $0.adminAllow = [CIDRBlock("127.0.0.0/8")!] }) { (server: TestServer) async throws in
            #expect(try await control(server.port, "GET", "state", from: "127.0.0.2").status == 200)
        }
    }

    @Test("with a token, the token is needed from everyone, the Bearer scheme in any case")
    func tokenFromEveryone() async throws {
        try await withFakePBX({ $0.adminToken = "s3cret-token" }) { (server: TestServer) async throws in
            #expect(try await control(server.port, "GET", "state").status == 401)
            #expect(try await control(server.port, "GET", "state", headers: ["Authorization": "Bearer wrong"]).status == 401)
            #expect(try await control(server.port, "GET", "state", headers: ["Authorization": "bearer s3cret-token"]).status == 200)
            #expect(
                try await control(server.port, "GET", "state", from: "127.0.0.2", headers: ["Authorization": "BEARER s3cret-token"]).status == 200)
            #expect(try await control(server.port, "GET", "health").status == 200)
        }
    }

    @Test("--admin-port: a test that banned its own address cleans up there; a 403 ban covers the shared port's control API")
    func adminPortSurvivesBans() async throws {
        try await withFakePBX({ $0.adminPort = 0 }) { (server: TestServer) async throws in
            let adminPort = try #require(server.adminPort)
            let notAPI = try await RawHTTPClient.request(
                port: adminPort, path: "/app/status/index.php", body: "username=admin&password=your-password")
            #expect(notAPI.status == 404, "the admin port serves the control API alone")
            #expect(try await control(adminPort, "POST", "bans", #"{"address": "127.0.0.1", "seconds": 600}"#).status == 200)
            await #expect(throws: RawHTTPClient.Failure.self) { try await server.post("/app/status/index.php") }
            await #expect(throws: RawHTTPClient.Failure.self) { try await control(server.port, "GET", "state") }
            #expect(try await control(adminPort, "DELETE", "bans").status == 200)
            #expect(try await server.post("/app/status/index.php").status == 200)
        }
        try await withFakePBX({
            $0.adminPort = 0
            $0.banAction = .forbidden
        }) { (server: TestServer) async throws in
            let adminPort = try #require(server.adminPort)
            #expect(try await control(adminPort, "POST", "bans", #"{"address": "127.0.0.1", "seconds": 600}"#).status == 200)
            let banned = try await control(server.port, "DELETE", "bans")
            #expect(banned.status == 403, "a banned client cannot unban itself on the shared port: \(banned.text)")
            #expect(banned.text.contains("is banned by the fusionpbx jail"), "\(banned.text)")
            #expect(try await control(adminPort, "GET", "bans").json()["bans"] as? [Any] != nil)
        }
    }

    @Test("unknown keys in a control body are refused, never read as 'not given'")
    func unknownKeysRefused() async throws {
        try await withFakePBX { (server: TestServer) async throws in
            let misspelt = try await control(server.port, "PUT", "whitelist", #"{"entires": ["10.0.0.0/8"]}"#)
            #expect(misspelt.status == 400)
            #expect(misspelt.text.contains("unknown key 'entires'; expected: entries"), "\(misspelt.text)")
            let whitelist = try await control(server.port, "GET", "whitelist").json()["entries"] as? [String]
            #expect(whitelist == ["127.0.0.1", "::1"], "the whitelist is untouched")
            #expect(try await control(server.port, "POST", "bans", #"{"adress": "203.0.113.5"}"#).status == 400)
            #expect(try await control(server.port, "POST", "clock/advance", #"{"second": 5}"#).status == 400)
        }
    }

    @Test("a posted scenario names files only inside --scenario-dir, and never says whether a file exists elsewhere")
    func postedScenarioPaths() async throws {
        try await withTemporaryDirectory { folder in
            try await withFakePBX({ $0.scenarioFolder = folder.path }) { (server: TestServer) async throws in
                let existing = try await control(server.port, "POST", "scenario", "dataset: /etc/hostname\n")
                let missing = try await control(server.port, "POST", "scenario", "dataset: /etc/no-such-file-here\n")
                let climbing = try await control(server.port, "POST", "scenario", "dataset: ../../etc/hostname\n")
                for answer in [existing, missing, climbing] {
                    #expect(answer.status == 400)
                    #expect(answer.text.contains("reads files only inside the scenario folder"), "\(answer.text)")
                }
                #expect(
                    existing.text.replacingOccurrences(of: "/etc/hostname", with: "X")
                        == missing.text.replacingOccurrences(of: "/etc/no-such-file-here", with: "X"))
                let inside = try await control(server.port, "POST", "scenario", "dataset: tenants.json\n")
                #expect(inside.status == 400)
                #expect(inside.text.contains("dataset can only be set at start-up"), "\(inside.text)")
            }
        }
    }

    @Test("the banner warns when listening beyond loopback without a token")
    func bannerWarning() throws {
        var configuration = FakePBXConfiguration()
        let whitelist = Whitelist.localhost
        let wide = StartupBanner.lines(configuration, listening: ListeningInfo(host: "0.0.0.0", port: 8080), whitelist: whitelist)
        #expect(wide.contains { $0.hasPrefix("  warning: listening on 0.0.0.0 without --admin-token") }, "\(wide)")
        let local = StartupBanner.lines(configuration, listening: ListeningInfo(host: "127.0.0.1", port: 8080), whitelist: whitelist)
        #expect(!local.contains { $0.contains("warning") })
        configuration.adminToken = "t"
        let guarded = StartupBanner.lines(configuration, listening: ListeningInfo(host: "0.0.0.0", port: 8080), whitelist: whitelist)
        #expect(!guarded.contains { $0.contains("warning") })
    }

    @Test("a control route asked with the wrong method answers 405 with Allow; an unknown one 404")
    func wrongMethodIs405() async throws {
        try await withFakePBX { server in
            let clock = try await RawHTTPClient.request(port: server.port, method: "DELETE", path: "/__fakepbx/clock", contentType: nil)
            #expect(clock.status == 405, "\(clock.text)")
            #expect(clock.text.contains("/__fakepbx/clock does not take DELETE; it takes GET, HEAD"), "\(clock.text)")
            #expect(clock.header("Allow") == "GET, HEAD", "\(clock.headers)")
            let fault = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/faults/f1", contentType: nil)
            #expect(fault.status == 405 && fault.header("Allow") == "DELETE", "\(fault.text)")
            let unknown = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/nothing", contentType: nil)
            #expect(unknown.status == 404)
        }
    }

    @Test("reset keeps tenant data and says so; ?dataset=initial returns to the dataset the server started with")
    func resetSaysWhatItKeeps() async throws {
        try await withFakePBX { server in
            let domains = "/app/domains/manage_domain.php"
            let before = try await server.json(domains, ["action": "list"])
            let created = try await server.json(domains, ["action": "create", "domain_name": "reset-test.example.com", "time_zone": "UTC"])
            #expect(created["status"] as? String == "success", "\(created)")
            let kept = try await RawHTTPClient.request(port: server.port, method: "POST", path: "/__fakepbx/reset", contentType: nil)
            #expect(kept.status == 200 && kept.text.contains("tenant data kept (add ?dataset=initial"), "\(kept.text)")
            #expect(try await server.json(domains, ["action": "list"])["count"] as? Int == (before["count"] as? Int).map { $0 + 1 })
            let initial = try await RawHTTPClient.request(
                port: server.port, method: "POST", path: "/__fakepbx/reset?dataset=initial", contentType: nil)
            #expect(initial.status == 200 && initial.text.contains("\"dataset\":\"initial\""), "\(initial.text)")
            #expect(try await server.json(domains, ["action": "list"])["count"] as? Int == before["count"] as? Int)
            let bad = try await RawHTTPClient.request(port: server.port, method: "POST", path: "/__fakepbx/reset?dataset=newest", contentType: nil)
            #expect(bad.status == 400 && bad.text.contains("expected keep"), "\(bad.text)")
        }
    }
}

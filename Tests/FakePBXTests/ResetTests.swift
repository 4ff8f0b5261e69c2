import FakePBX
import Foundation
import TestSupport
import Testing

/// `POST /__fakepbx/reset` between tests: the server is as it started, whatever a test changed.
@Suite struct ResetTests {
    /// Everything a test can change that the control API shows, as JSON text per route.
    static func observable(_ server: TestServer) async throws -> [String: String] {
        var state: [String: String] = [:]
        for route in ["ratelimits", "jails", "bans", "whitelist", "faults", "scenario", "tls", "clock", "journal/count"] {
            let answer = try await server.control("GET", route)
            #expect(answer.status == 200, "GET \(route): \(answer.text)")
            state[route] = answer.text
        }
        return state
    }

    @Test func resetAfterAScenarioAFaultABanAClockMoveAndAWhitelistChangeFindsTheStartState() async throws {
        try await withHTTPSFakePBX({ $0.jails["fusionpbx"] = JailRule(maxRetry: 3, findTime: 60, banTime: 3600) }) { server, _ in
            let start = try await Self.observable(server)
            let scenario = """
                name: leak
                policies:
                  rate_limits: {cdr: 1/60}
                  jails: {fusionpbx: 2/600/86400}
                whitelist: [127.0.0.1, 198.51.100.0/24]
                faults:
                  - {type: status, status: 503, match: {endpoint: export_cdr}}
                timeline:
                  - at: 3600
                    ban: {address: 127.0.0.9, jail: fusionpbx}

                """
            #expect(try await server.control("POST", "scenario", scenario, type: "application/yaml").status == 200)
            #expect(try await server.control("POST", "faults", #"{"type": "latency", "ms": 10}"#).status == 200)
            #expect(try await server.control("POST", "bans", #"{"address": "127.0.0.5", "jail": "fusionpbx"}"#).status == 200)
            #expect(try await server.control("POST", "clock/advance", #"{"seconds": 90000}"#).status == 200)
            #expect(try await server.control("POST", "whitelist", #"{"entry": "0.0.0.0/0"}"#).status == 200)
            #expect(try await server.control("POST", "ratelimits", #"{"standard": "2/60", "gateway": "off"}"#).status == 200)
            #expect(try await server.control("POST", "jails", #"{"nginx-dos": "off"}"#).status == 200)
            #expect(try await server.control("POST", "tls", #"{"mode": "expired"}"#).status == 200)
            _ = try await server.post("/app/status/index.php")
            let changed = try await Self.observable(server)
            for (route, text) in start where route != "clock" {
                #expect(changed[route] != text, "\(route) did not change, so the test proves nothing for it: \(text)")
            }

            let reset = try await server.control("POST", "reset")
            #expect(reset.status == 200, "\(reset.text)")
            let said = try #require(try reset.json()["reset"] as? [String])
            #expect(
                said == [
                    "faults", "scenario steps", "rate limits", "rate-limit counters", "jails", "bans", "whitelist", "TLS mode", "clock", "journal",
                ])
            let after = try await Self.observable(server)
            for (route, text) in start {
                #expect(after[route] == text, "\(route) after the reset: \(after[route] ?? "-"); at start: \(text)")
            }
        }
    }

    @Test func resetCanKeepTheJournalAndRearmsTheStartScenarios() async throws {
        let scenario = try Scenario(
            text: """
                name: armed
                faults:
                  - {type: status, status: 503, match: {endpoint: status}, when: {first: 1}}

                """, file: "test.yaml")
        try await withFakePBX({ $0.scenarios = [scenario] }) { server in
            #expect(try await server.post("/app/status/index.php").status == 503)
            #expect(try await server.post("/app/status/index.php").status == 200)
            let reset = try await server.control("POST", "reset?keep=journal")
            #expect(try reset.json()["journal"] as? String == "kept")
            #expect(try await server.post("/app/status/index.php").status == 503, "the start-up scenario's fault is armed again")
            let count = try await server.control("GET", "journal/count?endpoint=status")
            #expect(try count.json()["count"] as? Int == 3)
            #expect(try await server.control("POST", "reset?keep=everything").status == 400)
        }
    }

    @Test func aBanNamesAJailThatIsOn() async throws {
        try await withFakePBX { server in
            let refused = try await server.control("POST", "bans", #"{"address": "127.0.0.5", "jail": "recidive"}"#)
            #expect(refused.status == 400)
            #expect(refused.text.contains("there is no jail 'recidive'"), "\(refused.text)")
            let badRule = try await server.control("POST", "ratelimits", #"{"cdr": "ten per minute"}"#)
            #expect(badRule.status == 400 && badRule.text.contains("COUNT/SECONDS"), "\(badRule.text)")
            // A find time of 10^12 seconds would be a counter per second per address: refused.
            let huge = try await server.control("POST", "jails", #"{"fusionpbx": "1/1000000000000/1"}"#)
            #expect(huge.status == 400 && huge.text.contains("FINDTIME at most 86400"), "\(huge.text)")
            let unknown = try await server.control("POST", "jails", #"{"sshd": "1/1/1"}"#)
            #expect(unknown.status == 400 && unknown.text.contains("unknown key 'sshd'"), "\(unknown.text)")
        }
    }
}

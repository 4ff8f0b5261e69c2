import FakePBX
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Rate limits, fail2ban jails and bans, as a real client sees them over loopback.
@Suite("Security policies")
struct PoliciesTests {
    static let status = "/app/status/index.php"

    /// A server whose whitelist admits all of 127.0.0.0/8, so 127.0.0.2 reaches the credential check.
    static func withLoopbackServer<T: Sendable>(
        _ configure: @escaping (inout FakePBXConfiguration) -> Void = { _ in }, _ body: (TestServer) async throws -> T
    ) async throws -> T {
        try await withTemporaryDirectory { dir in
            let whitelist = dir.appendingPathComponent("chkcon_whitelist.conf")
            try "127.0.0.0/8\n::1\n".write(to: whitelist, atomically: true, encoding: .utf8)
            return try await withFakePBX(
                { configuration in
                    configuration.whitelistFile = whitelist.path
                    configure(&configuration)
                }, body)
        }
    }

    static func badPassword(_ server: TestServer, from source: String) async throws -> HTTPResult {
        try await server.post(status, ["username": "admin", "password": "wrong"], from: source)
    }

    static func control(
        _ server: TestServer, _ method: String, _ path: String, _ body: String = "", token: String? = nil, from source: String? = nil
    ) async throws -> HTTPResult {
        try await RawHTTPClient.request(
            port: server.port, from: source, method: method, path: "/__fakepbx/\(path)",
            headers: token.map { ["Authorization": "Bearer \($0)"] } ?? [:], body: body, contentType: "application/json"
        )
    }

    @Test func the101stStandardCallInAWindowIsRateLimitedAndThe100thIsNot() async throws {
        try await withFakePBX { (server: TestServer) async throws in
            for call in 1...100 {
                let answer = try await server.post(Self.status)
                #expect(answer.status == 200, "call \(call)")
                #expect(answer.header("X-RateLimit-Limit") == "100")
                #expect(answer.header("X-RateLimit-Remaining") == String(100 - call))
                if call == 100 { #expect(answer.header("X-RateLimit-Reset").flatMap(Int.init).map { $0 > Int(fixedNow) } == true) }
            }
            let limited = try await server.post(Self.status)
            #expect(limited.status == 429)
            #expect(limited.header("Retry-After").flatMap(Int.init).map { (1...60).contains($0) } == true)
            #expect(limited.header("X-RateLimit-Remaining") == "0")
            let body = try limited.json()
            #expect(body["status"] as? String == "error")
            #expect((body["message"] as? String)?.hasPrefix("Rate Limited: too many requests: 100 per window for standard endpoints") == true)

            // Classes count apart: the CDR export still answers, up to its own limit of 10.
            for _ in 1...10 {
                let export = try await server.post("/app/xml_cdr/export_cdr.php", ["date_start": "2026-11-20", "date_end": "2026-11-20"])
                #expect(export.status == 200)
                #expect(export.header("X-RateLimit-Limit") == "10")
            }
            #expect(try await server.post("/app/xml_cdr/export_cdr.php", ["date_start": "2026-11-20", "date_end": "2026-11-20"]).status == 429)

            // The next window opens when the virtual clock moves past the reset time.
            let advanced = try await Self.control(server, "POST", "clock/advance", #"{"seconds": 60}"#)
            #expect(advanced.status == 200)
            #expect(try await server.post(Self.status).status == 200)
            let counters = try await Self.control(server, "GET", "ratelimits").json()
            #expect((counters["counters"] as? [[String: Any]])?.first { $0["class"] as? String == "standard" }?["count"] as? Int == 1)
        }
    }

    @Test func twentyBadPasswordsBanTheAddressAtTheTCPLevel() async throws {
        try await Self.withLoopbackServer { server in
            for attempt in 1...20 {
                let answer = try await Self.badPassword(server, from: "127.0.0.2")
                #expect(answer.status == 401, "attempt \(attempt)")
            }
            // The next connection is reset at once: not an HTTP answer, and not a timeout.
            let started = ContinuousClock.now
            let refused = await #expect(throws: RawHTTPClient.Failure.self) {
                try await server.post(Self.status, from: "127.0.0.2")
            }
            #expect(refused?.errno == ECONNRESET, "\(String(describing: refused))")
            #expect(ContinuousClock.now - started < .seconds(5))
            // Another address still works.
            #expect(try await server.post(Self.status).status == 200)

            // The journal shows what applied to each request, and the ban as it started and refused a connection.
            let journal = try await Self.control(server, "GET", "journal?limit=4").json()
            let entries = try #require(journal["requests"] as? [[String: Any]])
            #expect(entries.count == 4)
            #expect(entries[0]["event"] as? String == "ban-started" && entries[0]["client"] as? String == "127.0.0.2", "\(entries)")
            #expect(entries[1]["applied"] as? [String] == ["auth-failed", "ban:fusionpbx"], "\(entries)")
            #expect(entries[1]["client"] as? String == "127.0.0.2" && entries[1]["status"] as? Int == 401)
            #expect(entries[2]["event"] as? String == "connection-refused" && entries[2]["applied"] as? [String] == ["banned:fusionpbx"])
            #expect(entries[3]["applied"] as? [String] == [] && entries[3]["client"] as? String == "127.0.0.1")

            let bans = try await Self.control(server, "GET", "bans").json()
            let ban = try #require((bans["bans"] as? [[String: Any]])?.first)
            #expect(ban["address"] as? String == "127.0.0.2" && ban["jail"] as? String == "fusionpbx")

            // Advancing the clock past the ban time (3600 s) lifts it.
            #expect(try await Self.control(server, "POST", "clock/advance", #"{"seconds": 3601}"#).status == 200)
            #expect(try await server.post(Self.status, from: "127.0.0.2").status == 200)
        }
    }

    @Test func ignoreipIsHonoured() async throws {
        try await Self.withLoopbackServer({ $0.ignoreIP = [CIDRBlock("127.0.0.2/32")!] }) { (server: TestServer) async throws in
            for _ in 1...25 { #expect(try await Self.badPassword(server, from: "127.0.0.2").status == 401) }
            #expect(try await server.post(Self.status, from: "127.0.0.2").status == 200)
            // A neighbour outside ignoreip is banned as usual.
            for _ in 1...20 { _ = try await Self.badPassword(server, from: "127.0.0.3") }
            await #expect(throws: RawHTTPClient.Failure.self) { try await server.post(Self.status, from: "127.0.0.3") }
        }
    }

    /// The jails fusionpbx-install.sh sets up (`debian/resources/fail2ban/`): nginx-404 counts GETs and POSTs answered 404;
    /// nginx-dos's filter matches GET and POST lines only; the legacy jail.package profile.
    @Test func nginx404CountsNotFoundAnswersAndNginxDOSOnlyGetAndPost() async throws {
        let fail2ban = try FusionPBXFacts.bullet("fail2ban:")
        #expect(fail2ban.contains("`nginx-404` jail (300/60/3600)") && fail2ban.contains("`fusionpbx` 5/600/600"), "\(fail2ban)")
        #expect(Fail2banProfile.debian.rules[JailName.nginx404] == JailRule(maxRetry: 300, findTime: 60, banTime: 3600))
        #expect(Fail2banProfile.package.rules == [JailName.fusionpbx: JailRule(maxRetry: 5, findTime: 600, banTime: 600)])
        try await Self.withLoopbackServer({
            $0.jails[JailName.nginx404] = JailRule(maxRetry: 3, findTime: 60, banTime: 100)
            $0.jails[JailName.nginxDOS] = JailRule(maxRetry: 6, findTime: 60, banTime: 100)
            $0.banAction = .forbidden
        }) { (server: TestServer) async throws in
            // Methods other than GET and POST count for neither jail.
            for _ in 1...10 {
                let put = try await RawHTTPClient.request(port: server.port, from: "127.0.0.2", method: "PUT", path: "/app/missing.php", body: "")
                #expect(put.status == 404)
            }
            for _ in 1...2 { #expect(try await server.post("/app/missing.php", from: "127.0.0.2").status == 404) }
            #expect(try await server.post(Self.status, from: "127.0.0.2").status == 200, "a 200 does not count for nginx-404")
            #expect(try await server.post("/app/missing.php", from: "127.0.0.2").status == 404, "the third 404 fills the jail")
            let banned = try await server.post(Self.status, from: "127.0.0.2")
            #expect(banned.status == 403)
            #expect((try banned.json()["message"] as? String)?.contains("banned by the nginx-404 jail") == true, "\(banned.text)")
            #expect(try await server.post(Self.status, from: "127.0.0.4").status == 200, "another address is untouched")
        }
        try await Self.withLoopbackServer({ $0.jails = Fail2banProfile.package.rules }) { (server: TestServer) async throws in
            for _ in 1...5 { #expect(try await Self.badPassword(server, from: "127.0.0.2").status == 401) }
            await #expect(throws: RawHTTPClient.Failure.self, "five failed logins ban under jail.package") {
                try await server.post(Self.status, from: "127.0.0.2")
            }
        }
    }

    @Test func nginxDOSCountsEveryRequestAndDropAndForbiddenActionsWork() async throws {
        try await Self.withLoopbackServer({
            $0.jails["nginx-dos"] = JailRule(maxRetry: 5, findTime: 60, banTime: 100)
            $0.banAction = .forbidden
        }) { (server: TestServer) async throws in
            for _ in 1...5 { #expect(try await server.post(Self.status, from: "127.0.0.2").status == 200) }
            let banned = try await server.post(Self.status, from: "127.0.0.2")
            #expect(banned.status == 403)
            #expect((try banned.json()["message"] as? String)?.contains("127.0.0.2 is banned by the nginx-dos jail until") == true)
        }
        let ended = try await Self.withLoopbackServer({ $0.banAction = .drop }) { (server: TestServer) async throws in
            #expect(try await Self.control(server, "POST", "bans", #"{"address": "127.0.0.2", "jail": "nginx-dos"}"#).status == 200)
            // Nothing is ever answered: the client gives up.
            let dropped = await #expect(throws: RawHTTPClient.Failure.self) {
                try await RawHTTPClient.request(
                    port: server.port, from: "127.0.0.2", path: Self.status, body: "username=admin&password=your-password", timeout: 1)
            }
            #expect(dropped?.errno == EAGAIN, "\(String(describing: dropped))")
            return ContinuousClock.now
        }
        // A held connection does not delay shutdown: it would hold it for ever. The bound is the test
        // servers' 1.2 s graceful shutdown, then cancellation, with room for a loaded 2-core machine.
        #expect(ContinuousClock.now - ended < .seconds(10))
    }

    @Test func failedLoginsAreWrittenAsFusionPBXAuthLogLines() async throws {
        try await withTemporaryDirectory { dir in
            let log = dir.appendingPathComponent("auth.log").path
            try await Self.withLoopbackServer({ $0.authLogFile = log }) { (server: TestServer) async throws in
                _ = try await server.post(Self.status, ["username": "whmcs", "password": "nope"], from: "127.0.0.2")
                _ = try await server.post(Self.status)  // a good login writes nothing
                // No credentials at all: FusionPBX logs only a submitted username or key (§9 "Login").
                #expect(try await server.post(Self.status, credentials: false, from: "127.0.0.3").status == 401)
            }
            let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
            #expect(lines == ["Nov 23 12:00:00 fakepbx FusionPBX: [127.0.0.2] authentication failed for whmcs"])
            // FusionPBX's fail2ban filter: failregex = .* FusionPBX: \[<HOST>\] authentication failed for
            #expect(lines[0].contains(#/.* FusionPBX: \[(?<host>[0-9.]+)\] authentication failed for/#))
        }
    }

    @Test func stateJailsResetAndPerUserLimitsThroughTheControlAPI() async throws {
        try await withFakePBX({
            $0.rateLimits[.standard] = RateLimitRule(limit: 2, window: 60)
            $0.rateLimitKey = .user
        }) { (server: TestServer) async throws in
            // Counted per user: a second user has a window of its own.
            for _ in 1...2 { #expect(try await server.post(Self.status).status == 200) }
            #expect(try await server.post(Self.status).status == 429)
            #expect(try await server.post(Self.status, ["username": "other", "password": "x"]).status == 401)
            let counters = try await Self.control(server, "GET", "ratelimits").json()
            #expect(counters["key"] as? String == "user")
            #expect(Set(((counters["counters"] as? [[String: Any]]) ?? []).compactMap { $0["key"] as? String }) == ["user:admin", "user:other"])

            // The jails list their rules and the failure just counted.
            let jails = try await Self.control(server, "GET", "jails").json()
            let fusionpbx = try #require((jails["jails"] as? [[String: Any]])?.first { $0["name"] as? String == "fusionpbx" })
            #expect(fusionpbx["maxretry"] as? Int == 20 && fusionpbx["bantime"] as? Int == 3600)
            #expect((fusionpbx["failures"] as? [[String: Any]])?.first?["failures"] as? Int == 1)

            // State out and back in: a domain removed from the export is gone after the import.
            let exported = try await Self.control(server, "GET", "state")
            #expect(exported.status == 200)
            var dataset = try #require(try JSONSerialization.jsonObject(with: Data(exported.body)) as? [String: Any])
            dataset["domains"] = (dataset["domains"] as? [[String: Any]])?.filter { $0["domain_name"] as? String != "lapsed.pbx.example.com" }
            dataset["extensions"] = (dataset["extensions"] as? [[String: Any]])?.filter { $0["domain_name"] as? String != "lapsed.pbx.example.com" }
            dataset["registrations"] = (dataset["registrations"] as? [[String: Any]])?.filter {
                $0["domain_name"] as? String != "lapsed.pbx.example.com"
            }
            dataset["destinations"] = (dataset["destinations"] as? [[String: Any]])?.filter {
                $0["domain_name"] as? String != "lapsed.pbx.example.com"
            }
            dataset["outbound_routes"] = (dataset["outbound_routes"] as? [[String: Any]])?.filter {
                $0["domain_name"] as? String != "lapsed.pbx.example.com"
            }
            dataset["gateways"] = (dataset["gateways"] as? [[String: Any]])?.filter { $0["domain_name"] as? String != "lapsed.pbx.example.com" }
            dataset["cdrs"] = (dataset["cdrs"] as? [[String: Any]])?.filter { $0["domain_name"] as? String != "lapsed.pbx.example.com" }
            let body = String(decoding: try JSONSerialization.data(withJSONObject: dataset), as: UTF8.self)
            let imported = try await Self.control(server, "PUT", "state", body)
            #expect(imported.status == 200, "\(imported.text)")
            #expect(try imported.json()["domains"] as? Int == 4)
            let broken = try await Self.control(server, "PUT", "state", #"{"format": "nope"}"#)
            #expect(broken.status == 400)

            // Reset: counters, failures and the clock start again; the state stays.
            _ = try await Self.control(server, "POST", "clock/advance", #"{"seconds": 5}"#)
            #expect(try await Self.control(server, "POST", "reset").status == 200)
            #expect(try await server.post(Self.status).status == 200)
            let afterJails = try await Self.control(server, "GET", "jails").json()
            // The bad password is forgotten; nginx-dos has counted only the request since the reset.
            let jailsAfter = (afterJails["jails"] as? [[String: Any]]) ?? []
            #expect((jailsAfter.first { $0["name"] as? String == "fusionpbx" }?["failures"] as? [Any])?.isEmpty == true)
            #expect(((jailsAfter.first { $0["name"] as? String == "nginx-dos" }?["failures"] as? [[String: Any]])?.first?["failures"] as? Int) == 1)
            #expect(try await Self.control(server, "GET", "journal").json()["count"] as? Int == 1)
            let domains = try await server.json("/app/domains/manage_domain.php", ["action": "list"])
            #expect(domains["count"] as? Int == 4)
        }
    }

    @Test func theControlAPIChangesTheWhitelistBansAndClockAtRunTime() async throws {
        try await withFakePBX({ $0.adminToken = "s3cret" }) { (server: TestServer) async throws in
            #expect(try await Self.control(server, "GET", "clock").status == 401)
            let token = "s3cret"
            // Whitelist: 127.0.0.2 is denied, then admitted without a restart.
            #expect(try await server.post(Self.status, from: "127.0.0.2").status == 403)
            let added = try await Self.control(server, "POST", "whitelist", #"{"entry": "127.0.0.2"}"#, token: token)
            #expect((try added.json()["entries"] as? [String]) == ["127.0.0.1", "::1", "127.0.0.2"])
            #expect(try await server.post(Self.status, from: "127.0.0.2").status == 200)
            let replaced = try await RawHTTPClient.request(
                port: server.port, method: "PUT", path: "/__fakepbx/whitelist", headers: ["Authorization": "Bearer s3cret"],
                body: "# only the local host\n127.0.0.1\n", contentType: "text/plain"
            )
            #expect(replaced.status == 200)
            #expect(try await server.post(Self.status, from: "127.0.0.2").status == 403)
            let bad = try await Self.control(server, "POST", "whitelist", #"{"entry": "300.1.1.1"}"#, token: token)
            #expect(bad.status == 400)

            // A ban by hand takes effect on the next connection, on every route (the control API too,
            // as an iptables ban would), and is lifted from another address.
            #expect(try await Self.control(server, "POST", "bans", #"{"address": "127.0.0.1", "seconds": 30}"#, token: token).status == 200)
            await #expect(throws: RawHTTPClient.Failure.self) { try await server.post(Self.status) }
            await #expect(throws: RawHTTPClient.Failure.self) { try await Self.control(server, "GET", "bans", token: token) }
            #expect(try await Self.control(server, "DELETE", "bans/127.0.0.1", token: token, from: "127.0.0.9").status == 200)
            #expect(try await server.post(Self.status).status == 200)

            // The clock: frozen, set and advanced; the status timestamp follows it.
            #expect(try await Self.control(server, "POST", "clock/set", #"{"time": "2027-01-01T00:00:00Z"}"#, token: token).status == 200)
            #expect(try await Self.control(server, "POST", "clock/freeze", token: token).status == 200)
            let clock = try await Self.control(server, "POST", "clock/advance?seconds=90", token: token).json()
            #expect(clock["now"] as? String == "2027-01-01T00:01:30Z" && clock["frozen"] as? Bool == true)
            #expect(try await server.json(Self.status)["timestamp"] as? String == "2027-01-01T00:01:30Z")
            // RFC 3339 offsets, as PHP's DATE_ATOM writes them; a time that is not one names itself.
            for (time, now) in [("2027-01-01T01:00:00+01:00", "2027-01-01T00:00:00Z"), ("2026-12-31T19:30:00-04:30", "2027-01-01T00:00:00Z")] {
                let set = try await Self.control(server, "POST", "clock/set", #"{"time": "\#(time)"}"#, token: token).json()
                #expect(set["now"] as? String == now, "\(time)")
            }
            for time in ["2027-01-01T01:00:00+25:00", "2027-01-01T01:00:00+0100", "2027-01-01T01:00:00.5Z"] {
                let refused = try await Self.control(server, "POST", "clock/set", #"{"time": "\#(time)"}"#, token: token)
                #expect(refused.status == 400 && refused.text.contains("time '\(time)' is not a time such as"), "\(time): \(refused.text)")
            }

            let unknown = try await Self.control(server, "GET", "nope", token: token)
            #expect(unknown.status == 404)
            #expect(unknown.text.contains("GET /__fakepbx/clock"))
        }
    }
}

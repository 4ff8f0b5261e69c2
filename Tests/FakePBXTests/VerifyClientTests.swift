import FakePBX
import Foundation
import TestSupport
import Testing

/// `serve --verify-client`: the fake checks what the billing client sends against the request contracts.
@Suite("Client verification")
struct VerifyClientTests {
    static let registration = "/app/registrations/check_registration.php"

    static func violations(_ server: TestServer) async throws -> [String: Any] {
        let answer = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/violations")
        #expect(answer.status == 200)
        return try answer.json()
    }

    @Test func reportModeAnswersNormallyAndListsEachViolation() async throws {
        try await withFakePBX({ $0.verifyClient = .report }) { server in
            // A valid request leaves no trace.
            let good = try await server.post(Self.registration, ["extension": "1001", "tenant_domain": "yourdomain.com"])
            #expect(good.status == 200)
            #expect((try await Self.violations(server))["count"] as? Int == 0)

            // An unknown field is answered as usual, and recorded.
            let extra = try await server.post(Self.registration, ["extension": "1001", "tenant_domain": "yourdomain.com", "colour": "blue"])
            #expect(extra.status == 200)
            // A missing required field: the endpoint answers its own 400, and the violation is recorded.
            let missing = try await server.post(Self.registration, ["extension": "1001"])
            #expect(missing.status == 400)

            let listed = try await Self.violations(server)
            #expect(listed["enabled"] as? Bool == true && listed["mode"] as? String == "report")
            let entries = try #require(listed["violations"] as? [[String: Any]])
            #expect(entries.count == 2)
            #expect(entries[0]["operation"] as? String == "check_registration")
            #expect(entries[0]["client"] as? String == "127.0.0.1")
            let first = try #require((entries[0]["violations"] as? [[String: Any]])?.first)
            #expect(first["pointer"] as? String == "/colour")
            #expect((first["rule"] as? String)?.hasSuffix("unevaluatedProperties") == true)
            let second = try #require((entries[1]["violations"] as? [[String: Any]])?.first)
            #expect((second["message"] as? String)?.contains("\"tenant_domain\" missing") == true)
            // Secrets never reach the violations list.
            let raw = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/violations").text
            #expect(!raw.contains(server.configuration.credentials.password))

            let cleared = try await RawHTTPClient.request(port: server.port, method: "DELETE", path: "/__fakepbx/violations")
            #expect(cleared.status == 200)
            #expect((try await Self.violations(server))["count"] as? Int == 0)
        }
    }

    @Test func strictModeAnswers400WithTheViolations() async throws {
        try await withFakePBX({ $0.verifyClient = .strict }) { server in
            let good = try await server.post(Self.registration, ["extension": "1001", "tenant_domain": "yourdomain.com"])
            #expect(good.status == 200)

            let bad = try await server.post(Self.registration, ["extension": "1001", "tenant_domain": "yourdomain.com", "colour": "blue"])
            #expect(bad.status == 400)
            let body = try bad.json()
            #expect(body["status"] as? String == "error")
            #expect((body["message"] as? String)?.hasPrefix("Invalid Request: the request breaks its contract: request /colour") == true)
            let violations = try #require(body["violations"] as? [[String: Any]])
            #expect(violations.map { $0["pointer"] as? String } == ["/colour"])

            // A wrong method and an unknown path are contract violations too.
            let get = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/app/xml_cdr/export_cdr.php")
            #expect(get.status == 400)
            #expect(get.text.contains("method GET is not allowed"))
            let unknown = try await server.post("/app/xml_cdr/export.php", ["date_start": "2026-11-01"])
            #expect(unknown.status == 400)
            #expect((try await Self.violations(server))["count"] as? Int == 3)
        }
    }

    @Test func withoutVerificationTheControlRouteSaysHowToTurnItOn() async throws {
        try await withFakePBX { server in
            let listed = try await Self.violations(server)
            #expect(listed["enabled"] as? Bool == false)
            #expect((listed["hint"] as? String)?.contains("--verify-client") == true)
            let extra = try await server.post(Self.registration, ["extension": "1001", "tenant_domain": "yourdomain.com", "colour": "blue"])
            #expect(extra.status == 200)
            let health = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/health")
            #expect(health.status == 200)
            // Control routes are not subject to the PBX's whitelist.
            let fromElsewhere = try await RawHTTPClient.request(port: server.port, from: "127.0.0.2", method: "GET", path: "/__fakepbx/health")
            #expect(fromElsewhere.status == 200)
        }
    }
}

import FakePBX
import Foundation
import TestSupport
import Testing

/// The control API is safe from the browser: a page of another site cannot drive it, and DNS
/// rebinding cannot read it (docs/access.md, "Security of the fake itself").
@Suite struct ControlBrowserGuardTests {
    @Test func aFormPostFromAnotherOriginIsRefusedAndChangesNothing() async throws {
        try await withFakePBX { server in
            let forged = try await server.control(
                "POST", "whitelist", #"{"entry":"0.0.0.0/0"}"#, type: "text/plain", headers: ["Origin": "http://evil.example"])
            #expect(forged.status == 403 && forged.text.contains("pages of another origin"), "\(forged.text)")
            let noOrigin = try await server.control("POST", "whitelist", #"{"entry":"0.0.0.0/0"}"#, type: "text/plain")
            #expect(noOrigin.status == 415 && noOrigin.text.contains("Content-Type: application/json"), "\(noOrigin.text)")
            let form = try await server.control("POST", "clock/advance", "seconds=86400", type: "application/x-www-form-urlencoded")
            #expect(form.status == 415)
            let crossSite = try await server.control("POST", "reset", headers: ["Sec-Fetch-Site": "cross-site"])
            #expect(crossSite.status == 403, "\(crossSite.text)")
            #expect(try await server.control("GET", "whitelist").text == #"{"entries":["127.0.0.1","::1"]}"# + "\n")
            // The server's own origin, and a link followed to the dashboard, are fine.
            let own = try await server.control(
                "POST", "whitelist", #"{"entry":"10.0.0.0/8"}"#, headers: ["Origin": "http://127.0.0.1:\(server.port)"])
            #expect(own.status == 200, "\(own.text)")
            let link = try await server.control("GET", "", headers: ["Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"])
            #expect(link.status == 200)
            #expect(link.header("content-security-policy") == "frame-ancestors 'none'" && link.header("x-frame-options") == "DENY")
        }
    }

    @Test func aForeignHostIsRefusedUnlessGivenOrTokenProtected() async throws {
        try await withFakePBX({ $0.adminHosts = ["pbx.test.example"] }) { server in
            for (host, allowed) in [
                ("evil.example", false), ("127.0.0.1", true), ("[::1]", true), ("localhost", true), ("app.localhost", true),
                ("fakepbx", true), ("pbx.test.example", true), ("10.1.2.3", true),
            ] {
                let answer = try await RawHTTPClient.request(
                    port: server.port, method: "GET", path: "/__fakepbx/state", headers: ["Host": "\(host):\(server.port)"])
                #expect((answer.status == 200) == allowed, "Host \(host): \(answer.status) \(answer.text.prefix(160))")
            }
        }
        try await withFakePBX({ $0.adminToken = "t0ken" }) { server in
            let answer = try await RawHTTPClient.request(
                port: server.port, method: "GET", path: "/__fakepbx/state",
                headers: ["Host": "evil.example", "Authorization": "Bearer t0ken"])
            #expect(answer.status == 200, "with a token, rebinding cannot forge it")
        }
    }

    @Test func anUnreadableForwardedForFromATrustedProxyIsRefused() async throws {
        try await withFakePBX({ $0.trustedProxies = [CIDRBlock("127.0.0.1/32")!] }) { server in
            for value in ["garbage", "203.0.113.5:4711", "", "203.0.113.5, ,127.0.0.1"] {
                let answer = try await RawHTTPClient.request(
                    port: server.port, path: "/app/status/index.php", headers: ["X-Forwarded-For": value],
                    body: "username=admin&password=your-password")
                #expect(answer.status == 400, "X-Forwarded-For '\(value)': \(answer.status) \(answer.text.prefix(200))")
                #expect(answer.text.contains("is not an IP address"), "\(answer.text)")
            }
            let good = try await RawHTTPClient.request(
                port: server.port, path: "/app/status/index.php", headers: ["X-Forwarded-For": "127.0.0.1"],
                body: "username=admin&password=your-password")
            #expect(good.status == 200)
        }
    }
}

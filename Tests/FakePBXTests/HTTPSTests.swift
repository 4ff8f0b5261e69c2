import ContractKit
import FakePBX
import Foundation
import JSONSchema
import TestSupport
import Testing

/// The HTTPS listener as PHP's curl sees it: each certificate mode, mutual TLS, handshake faults,
/// protocol versions, and the policies and journal over TLS.
@Suite("HTTPS", .serialized)
struct HTTPSTests {
    /// Switches the certificate mode over the control API (plain HTTP).
    func setMode(_ mode: String, on server: TestServer) async throws {
        let answer = try await RawHTTPClient.request(
            port: server.port, path: "/__fakepbx/tls", body: "{\"mode\": \"\(mode)\"}", contentType: "application/json"
        )
        #expect(answer.status == 200, "POST /__fakepbx/tls \(mode): \(answer.text)")
    }

    func journal(_ server: TestServer, limit: Int = 20) async throws -> [[String: Any]] {
        let answer = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/journal?limit=\(limit)")
        return try answer.json()["requests"] as? [[String: Any]] ?? []
    }

    @Test("each certificate mode gives PHP's curl its real error; the valid one works, and the journal says why a handshake failed")
    func everyMode() async throws {
        try await withHTTPSFakePBX { server, ca in
            let url = try server.httpsURL("/app/status/index.php")
            let expected: [(String, Int, String)] = [
                ("expired", 60, "SSL certificate problem: certificate has expired"),
                ("not-yet-valid", 60, "SSL certificate problem: certificate is not yet valid"),
                ("wrong-host", 60, "SSL: no alternative certificate subject name matches target host name '127.0.0.1'"),
                ("self-signed", 60, "SSL certificate problem: self-signed certificate"),
                ("untrusted-ca", 60, "SSL certificate problem: unable to get local issuer certificate"),
                ("valid", 0, ""),
            ]
            for (mode, errno, error) in expected {
                try await setMode(mode, on: server)
                let outcome = try await PHPClient.send(.init(url: url, caFile: ca))
                #expect(outcome.errno == errno, "mode \(mode): \(outcome.error)")
                #expect(outcome.error == error, "mode \(mode)")
                if mode == "valid" {
                    #expect(outcome.status == 200)
                    #expect(try outcome.json()["status"] as? String == "success")
                } else {
                    // The server sees the failure when the client hangs up, just after PHP returns.
                    let failure = try await waitFor {
                        try await journal(server, limit: 1).last
                    } until: {
                        ($0["detail"] as? String)?.contains("certificate mode '\(mode)'") == true
                    }
                    let event = mode == "wrong-host" ? "tls-closed-before-request" : "tls-handshake-failed"
                    #expect(failure?["applied"] as? [String] == [event], "mode \(mode): \(failure ?? [:])")
                    #expect((failure?["detail"] as? String)?.contains("certificate mode '\(mode)'") == true, "\(failure ?? [:])")
                }
            }
            let failures = try await RawHTTPClient.request(
                port: server.port, method: "GET", path: "/__fakepbx/journal/count?event=tls-handshake-failed"
            ).json()
            #expect((failures["count"] as? Int ?? 0) >= 4, "failed handshakes are events the journal can filter: \(failures)")
            // Without the CA, the valid certificate is as unknown to PHP as any other.
            let untrusted = try await PHPClient.send(.init(url: url))
            #expect(untrusted.errno == 60)
            #expect(untrusted.error == "SSL certificate problem: unable to get local issuer certificate")

            let state = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/tls").json()
            #expect(state["mode"] as? String == "valid")
            let certificate = state["certificate"] as? [String: Any]
            #expect(certificate?["names"] as? [String] == ["localhost", "127.0.0.1", "::1"])
            #expect((certificate?["sha256_fingerprint"] as? String)?.count == 95)

            let pem = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/tls/ca.pem")
            #expect(pem.header("Content-Type") == "application/x-pem-file")
            #expect(pem.text == (try String(contentsOfFile: ca, encoding: .utf8)), "the served CA is the one written by --tls-ca-out")

            let bad = try await RawHTTPClient.request(
                port: server.port, path: "/__fakepbx/tls", body: #"{"mode": "stale"}"#, contentType: "application/json")
            #expect(bad.status == 400)
            #expect((try bad.json()["error"] as? String)?.contains("expected one of: valid, expired") == true)
        }
    }

    @Test("scenario certificate-expired: PHP gets curl error 60 until the timeline renews the certificate")
    func certificateExpiredScenario() async throws {
        let scenario = try Scenario.load(contentsOf: repositoryFile("scenarios/certificate-expired.yaml").path)
        try await withHTTPSFakePBX({ $0.load(scenario) }) { server, ca in
            let call = PHPClient.Call(url: try server.httpsURL("/app/xml_cdr/chkcon.php"), caFile: ca)
            let before = try await PHPClient.send(call)
            #expect(before.errno == 60)
            #expect(before.error == "SSL certificate problem: certificate has expired")
            _ = try await RawHTTPClient.request(
                port: server.port, path: "/__fakepbx/clock/advance", body: #"{"seconds": 120}"#, contentType: "application/json")
            _ = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/health")
            let after = try await PHPClient.send(call)
            #expect(after.errno == 0, "\(after.error)")
            #expect(try after.json()["success"] as? Int == 1)
        }
    }

    @Test("a mode set at start, extra names, and the journal's scheme, TLS version and SNI name")
    func namesAndJournal() async throws {
        try await withHTTPSFakePBX({
            $0.tls.names = ["pbx.example.com"]
            $0.tls.mode = .expired
        }) { server, ca in
            let port = try #require(server.httpsPort)
            let expired = try await runCurl(["-sS", "--cacert", ca, "https://localhost:\(port)/app/status/index.php"])
            #expect(expired.status == 60, "curl: \(expired.stderr)")
            try await setMode("valid", on: server)
            let byName = try await runCurl([
                "-sS", "--cacert", ca, "--resolve", "pbx.example.com:\(port):127.0.0.1",
                "-d", "username=admin&password=your-password", "https://pbx.example.com:\(port)/app/status/index.php",
            ])
            #expect(byName.status == 0, "curl: \(byName.stderr)")
            #expect(byName.stdout.contains("\"status\":\"success\""))
            let entry = try #require(try await journal(server, limit: 1).last)
            #expect(entry["scheme"] as? String == "https")
            #expect(entry["tls_version"] as? String == "TLSv1.3")
            #expect(entry["sni"] as? String == "pbx.example.com")
            #expect(entry["path"] as? String == "/app/status/index.php")
            #expect(entry["status"] as? Int == 200)
        }
    }

    @Test("mutual TLS: required, a client without a certificate is refused; with one it passes and is journaled")
    func mutualTLS() async throws {
        try await withTemporaryDirectory { folder in
            let client = try TestCertificates.client(commonName: "whmcs.example.net", in: folder)
            try await withHTTPSFakePBX({
                $0.tls.clientCAFile = client.caFile
                $0.tls.clientAuth = .require
            }) { server, ca in
                let url = try server.httpsURL("/app/status/index.php")
                var call = PHPClient.Call(url: url, caFile: ca)
                let without = try await PHPClient.send(call)
                #expect([35, 56].contains(without.errno), "\(without.errno): \(without.error)")
                #expect(without.error.contains("alert certificate required"), "\(without.error)")
                call.clientCertificate = (client.certificateFile, client.keyFile)
                let with = try await PHPClient.send(call)
                #expect(with.errno == 0, "\(with.error)")
                #expect(with.status == 200)
                let entry = try #require(try await journal(server, limit: 1).last)
                #expect((entry["client_certificate"] as? String)?.contains("CN=whmcs.example.net") == true, "\(entry)")
            }
            try await withHTTPSFakePBX({
                $0.tls.clientCAFile = client.caFile
                $0.tls.clientAuth = .optional
            }) { server, ca in
                let without = try await PHPClient.send(.init(url: try server.httpsURL("/app/status/index.php"), caFile: ca))
                #expect(without.errno == 0, "optional client auth lets a client without a certificate in: \(without.error)")
            }
        }
    }

    @Test("the user's own CA, kept across runs, and the user's own certificate; bad files are named")
    func ownCertificates() async throws {
        try await withTemporaryDirectory { folder in
            for name in ["ca", "own"] {
                try FileManager.default.createDirectory(at: folder.appendingPathComponent(name), withIntermediateDirectories: true)
            }
            let ownCA = try TestCertificates.client(commonName: "unused", caName: "ACME internal CA", in: folder.appendingPathComponent("ca"))
            try await withHTTPSFakePBX({
                $0.tls.caCertificateFile = ownCA.caFile
                $0.tls.caKeyFile = ownCA.caKeyFile
            }) { server, written in
                let outcome = try await PHPClient.send(.init(url: try server.httpsURL("/app/status/index.php"), caFile: ownCA.caFile))
                #expect(outcome.errno == 0, "a client that trusts the user's CA trusts fakepbx: \(outcome.error)")
                #expect(try String(contentsOfFile: written, encoding: .utf8) == (try String(contentsOfFile: ownCA.caFile, encoding: .utf8)))
            }
            let own = try TestCertificates.client(
                commonName: "localhost", caName: "ACME web CA", serverNames: ["localhost"], in: folder.appendingPathComponent("own"))
            try await withHTTPSFakePBX({
                $0.tls.certificateFile = own.certificateFile
                $0.tls.keyFile = own.keyFile
            }) { server, _ in
                let outcome = try await PHPClient.send(
                    .init(url: try server.httpsURL("/app/status/index.php", host: "localhost"), caFile: own.caFile))
                #expect(outcome.errno == 0, "the user's own certificate is presented: \(outcome.error)")
                let state = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/tls").json()
                #expect((state["certificate"] as? [String: Any])?["issuer"] as? String == "CN=ACME web CA")
            }
            var settings = TLSSettings()
            settings.port = 0
            settings.caCertificateFile = ownCA.caFile
            #expect(throws: FakePBXError.self) { try TLSIdentities(settings, host: "127.0.0.1") }
            settings.caKeyFile = ownCA.keyFile  // a key of another certificate
            do {
                _ = try TLSIdentities(settings, host: "127.0.0.1")
                Issue.record("a CA key that does not match the CA certificate was accepted")
            } catch {
                #expect("\(error)" == "\(ownCA.keyFile): the key does not belong to the CA certificate in --tls-ca-cert; give the matching pair")
            }
            settings = TLSSettings()
            settings.certificateFile = folder.appendingPathComponent("missing.pem").path
            settings.keyFile = ownCA.keyFile
            do {
                _ = try TLSIdentities(settings, host: "127.0.0.1")
                Issue.record("a missing certificate file was accepted")
            } catch {
                #expect("\(error)".hasSuffix("missing.pem: cannot read the file given to --tls-cert (check the path and permissions)"), "\(error)")
            }
            try "not a certificate".write(toFile: settings.certificateFile!, atomically: true, encoding: .utf8)
            #expect(throws: FakePBXError.self) { try TLSIdentities(settings, host: "127.0.0.1") }
        }
    }

    @Test("handshake faults: reset, close, garbage and hang, as curl errors 35 and 28, each journaled")
    func handshakeFaults() async throws {
        try await withHTTPSFakePBX { server, ca in
            let url = try server.httpsURL("/app/status/index.php")
            let cases: [(String, Int, String)] = [
                (#"{"id": "rst", "type": "tls-reset"}"#, 35, "Connection reset by peer"),
                (#"{"id": "fin", "type": "tls-close"}"#, 35, "SSL_ERROR_SYSCALL"),
                (#"{"id": "junk", "type": "tls-garbage"}"#, 35, "wrong version number"),
            ]
            for (fault, errno, text) in cases {
                _ = try await RawHTTPClient.request(port: server.port, method: "DELETE", path: "/__fakepbx/faults")
                let added = try await RawHTTPClient.request(
                    port: server.port, path: "/__fakepbx/faults", body: fault, contentType: "application/json")
                #expect(added.status == 200, "\(added.text)")
                let outcome = try await PHPClient.send(.init(url: url, caFile: ca))
                #expect(outcome.errno == errno, "\(fault): \(outcome.error)")
                #expect(outcome.error.contains(text), "\(fault): \(outcome.error)")
                let entry = try #require(try await journal(server, limit: 1).last)
                #expect((entry["applied"] as? [String])?.contains("tls-handshake-fault") == true, "\(entry)")
            }
            _ = try await RawHTTPClient.request(port: server.port, method: "DELETE", path: "/__fakepbx/faults")
            _ = try await RawHTTPClient.request(
                port: server.port, path: "/__fakepbx/faults", body: #"{"id": "slow", "type": "tls-hang", "seconds": 5}"#,
                contentType: "application/json"
            )
            var call = PHPClient.Call(url: url, caFile: ca)
            call.timeout = 1
            let hung = try await PHPClient.send(call)
            #expect(hung.errno == 28, "\(hung.error)")

            // A fault aimed at another client leaves this one alone; a request fault cannot target the handshake.
            _ = try await RawHTTPClient.request(port: server.port, method: "DELETE", path: "/__fakepbx/faults")
            _ = try await RawHTTPClient.request(
                port: server.port, path: "/__fakepbx/faults", body: #"{"type": "tls-reset", "match": {"client": "10.0.0.0/8"}}"#,
                contentType: "application/json"
            )
            #expect(try await PHPClient.send(.init(url: url, caFile: ca)).errno == 0)
            let wrong = try await RawHTTPClient.request(
                port: server.port, path: "/__fakepbx/faults", body: #"{"type": "tls-reset", "match": {"endpoint": "status"}}"#,
                contentType: "application/json"
            )
            #expect(wrong.status == 400)
            #expect(wrong.text.contains("match it by client only"))
        }
    }

    @Test("request faults and replay work over HTTPS as over HTTP")
    func faultsAndReplayOverHTTPS() async throws {
        try await withTemporaryDirectory { dir in
            let cassette = dir.appendingPathComponent("status.json").path
            try Cassette(
                name: "status",
                exchanges: [
                    Exchange(
                        name: "status", request: ExchangeRequest(method: "POST", path: "/app/status/index.php", form: ["note": "recorded"]),
                        response: ExchangeResponse(
                            status: 200, headers: ["content-type": "application/json"],
                            body: .json(["status": "success", "message": "from the cassette"]))
                    )
                ]
            ).write(to: cassette)
            try await withHTTPSFakePBX({ $0.replayCassettes = [cassette] }) { server, ca in
                let url = try server.httpsURL("/app/status/index.php")
                let replayed = try await PHPClient.send(.init(url: url, fields: ["note": "recorded"], caFile: ca))
                #expect(try replayed.json()["message"] as? String == "from the cassette", "\(replayed.body)")

                _ = try await RawHTTPClient.request(
                    port: server.port, path: "/__fakepbx/faults", body: #"{"id": "down", "type": "status", "status": 503, "when": {"first": 1}}"#,
                    contentType: "application/json"
                )
                let failed = try await PHPClient.send(.init(url: url, caFile: ca))
                #expect(failed.status == 503)
                #expect(failed.body.contains("FreeSWITCH not responding"), "\(failed.body)")
                _ = try await RawHTTPClient.request(
                    port: server.port, path: "/__fakepbx/faults", body: #"{"id": "cut", "type": "reset", "when": {"first": 1}}"#,
                    contentType: "application/json"
                )
                let reset = try await PHPClient.send(.init(url: url, caFile: ca))
                #expect(reset.errno == 56, "\(reset.errno): \(reset.error)")
                #expect(reset.error.contains("Connection reset by peer"), "\(reset.error)")
                let entries = try await journal(server, limit: 3)
                #expect(entries.compactMap { $0["scheme"] as? String } == ["https", "https", "https"], "\(entries)")
                #expect(entries.map { ($0["applied"] as? [String] ?? []).contains { $0.hasPrefix("fault:") } } == [false, true, true])
                #expect(
                    (entries[0]["applied"] as? [String])?.contains("replay:status#1") == true,
                    "the journal names the recording that answered: \(entries[0])")
            }
        }
    }

    @Test("a TLS 1.2-only client against --tls-min-version 1.3 fails the handshake, and the journal names the reason")
    func protocolVersions() async throws {
        try await withHTTPSFakePBX({ $0.tls.minimumVersion = .v1_3 }) { server, ca in
            var call = PHPClient.Call(url: try server.httpsURL("/app/status/index.php"), caFile: ca)
            call.tlsMaxVersion12 = true
            let old = try await PHPClient.send(call)
            #expect(old.errno == 35, "\(old.error)")
            #expect(old.error.contains("tlsv1 alert protocol version"), "\(old.error)")
            let entry = try await waitFor {
                try await journal(server, limit: 1).last
            } until: {
                ($0["detail"] as? String)?.contains("UNSUPPORTED_PROTOCOL") == true
            }
            #expect((entry?["detail"] as? String)?.contains("UNSUPPORTED_PROTOCOL") == true, "\(entry ?? [:])")
        }
        try await withHTTPSFakePBX({ $0.tls.maximumVersion = .v1_2 }) { server, ca in
            let outcome = try await PHPClient.send(.init(url: try server.httpsURL("/app/status/index.php"), caFile: ca))
            #expect(outcome.errno == 0, "\(outcome.error)")
            #expect(try await journal(server, limit: 1).last?["tls_version"] as? String == "TLSv1.2")
        }
    }

    @Test("over HTTPS: the whitelist denies, a ban resets before the handshake, rate limits count, the control API answers")
    func policiesOverHTTPS() async throws {
        try await withHTTPSFakePBX({ $0.whitelist = try? Whitelist(parsing: "127.0.0.1\n", source: "test") }) { server, ca in
            let port = try #require(server.httpsPort)
            let url = "https://localhost:\(port)/app/status/index.php"
            let denied = try await runCurl([
                "-sS", "--cacert", ca, "--interface", "127.0.0.2", "--resolve", "localhost:\(port):127.0.0.1", "-d",
                "username=admin&password=your-password", url,
            ])
            #expect(denied.status == 0, "\(denied.stderr)")
            #expect(denied.stdout.contains("API Access Denied"), "\(denied.stdout)")
            let limited = try await runCurl(["-sS", "-i", "--cacert", ca, "-d", "username=admin&password=your-password", url])
            #expect(limited.stdout.lowercased().contains("x-ratelimit-remaining: "), "\(limited.stdout)")

            let banned = try await RawHTTPClient.request(
                port: server.port, path: "/__fakepbx/bans", body: #"{"address": "127.0.0.2", "jail": "fusionpbx", "seconds": 600}"#,
                contentType: "application/json"
            )
            #expect(banned.status == 200, "\(banned.text)")
            let refused = try await runCurl(["-sS", "--cacert", ca, "--interface", "127.0.0.2", "--resolve", "localhost:\(port):127.0.0.1", url])
            // The RST comes right after the accept: curl sees it while connecting (7) or in the handshake (35).
            #expect([7, 35, 56].contains(refused.status), "\(refused.status): \(refused.stderr)")
            #expect(refused.stderr.contains("reset by peer") || refused.stderr.contains("Couldn't connect"), "\(refused.stderr)")

            let health = try await runCurl(["-sS", "--cacert", ca, "https://localhost:\(port)/__fakepbx/health"])
            #expect(health.stdout.contains("\"status\":\"ok\""), "\(health.stdout)\(health.stderr)")
        }
    }
}

import ContractKit
import FakePBX
import Foundation
import JSONSchema
import TestSupport
import Testing

/// Record through the proxy against a second fakepbx as the upstream, then replay.
@Suite("Record and replay")
struct RecordReplayTests {
    static let calls: [(String, [String: String])] = [
        ("/app/status/index.php", [:]),
        ("/app/registrations/check_registration.php", ["extension": "1001", "tenant_domain": "yourdomain.com"]),
        ("/app/extensions/manage_extension.php", ["action": "create", "extension": "1091", "domain_name": "yourdomain.com"]),
        ("/app/extensions/manage_extension.php", ["action": "create", "extension": "1091", "domain_name": "yourdomain.com"]),
        ("/app/xml_cdr/export_cdr.php", ["date_start": "2026-11-20", "date_end": "2026-11-20", "domain_name": "yourdomain.com"]),
    ]

    @Test func recordedTrafficIsRedactedAndReplaysIdentically() async throws {
        try await withTemporaryDirectory { dir in
            let cassette = dir.appendingPathComponent("staging.json").path
            // Record: the client talks to the proxy; the proxy talks to an upstream fakepbx.
            let proxied: [HTTPResult] = try await withFakePBX { (upstream: TestServer) async throws in
                try await withRecordingProxy(RecordingConfiguration(upstream: "http://127.0.0.1:\(upstream.port)", output: cassette)) { port in
                    var answers: [HTTPResult] = []
                    for (path, fields) in Self.calls { answers.append(try await RawHTTPClient.post(port: port, path: path, fields)) }
                    return answers
                }
            }
            #expect(proxied.map(\.status) == [200, 200, 200, 409, 200])
            let created = try proxied[2].json()
            let secret = try #require(created["password"] as? String)

            // Nothing secret reached the file.
            let text = try String(contentsOfFile: cassette, encoding: .utf8)
            #expect(!text.contains("your-password") && !text.contains(secret))
            let recorded = try Cassette.load(contentsOf: cassette)
            #expect(recorded.exchanges.count == 5)
            #expect(SecretScanner.scan(recorded).isEmpty)
            #expect(recorded.exchanges[0].request.form["password"] == "REDACTED-password-1")
            #expect(recorded.exchanges[2].response?.body.jsonValue?["password"]?.stringValue?.hasPrefix("REDACTED-password-") == true)

            // Replay: identical answers, repeated requests in recorded order, then the last repeats.
            try await withFakePBX({
                $0.replayCassettes = [cassette]
                $0.replayMiss = .error
            }) { (server: TestServer) async throws in
                var replayed: [HTTPResult] = []
                for (path, fields) in Self.calls { replayed.append(try await server.post(path, fields)) }
                #expect(replayed.map(\.status) == [200, 200, 200, 409, 200])
                for index in [0, 1, 3, 4] { #expect(replayed[index].text == proxied[index].text, "exchange \(index + 1)") }
                #expect(try replayed[2].json()["extension"] as? NSDictionary == created["extension"] as? NSDictionary)
                #expect(try await server.post(Self.calls[2].0, Self.calls[2].1).status == 409)

                // A miss: 404 naming the nearest recorded exchange and how it differs.
                let miss = try await server.post(Self.calls[2].0, ["action": "create", "extension": "1092", "domain_name": "yourdomain.com"])
                #expect(miss.status == 404)
                #expect(miss.text.contains("extension: recorded '1091', requested '1092'"), "\(miss.text)")

                let listing = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/replay").json()
                #expect(listing["served"] as? Int == 6 && listing["missed"] as? Int == 1)
                #expect((listing["recent"] as? [[String: Any]])?.first?["served_by"] as? String == "replay:staging#1")
            }

            // The emulator answers misses by default.
            try await withFakePBX({ $0.replayCassettes = [cassette] }) { (server: TestServer) async throws in
                let emulated = try await server.post(Self.calls[2].0, ["action": "create", "extension": "1093", "domain_name": "yourdomain.com"])
                #expect(emulated.status == 200)
            }
        }
    }

    @Test(
        "a provisioning flow with gateway and extension passwords, recorded from PHP through the proxy over HTTPS, replays with every request matched"
    )
    func redactedFieldsMatchOnReplay() async throws {
        try await withTemporaryDirectory { dir in
            let cassette = dir.appendingPathComponent("provisioning.json").path
            func flow(_ base: String) -> [PHPClient.Call] {
                [
                    PHPClient.Call(
                        url: base + "/app/gateways/provision.php",
                        fields: [
                            "gateway_name": "rec_gw", "gateway_domain": "sip.carrier.example", "gateway_username": "acct77",
                            "gateway_password": "Gw-Real-77",
                        ]),
                    PHPClient.Call(
                        url: base + "/app/extensions/manage_extension.php",
                        fields: [
                            "action": "create", "extension": "2301", "domain_name": "yourdomain.com", "extension_password": "Sip-Real-2301",
                        ]),
                    PHPClient.Call(
                        url: base + "/app/extensions/manage_extension.php",
                        fields: [
                            "action": "update", "extension": "2301", "domain_name": "yourdomain.com", "password": "Sip-Again-2301",
                        ], encoding: .urlencoded, auth: .basic),
                ]
            }
            // Record: PHP (multipart and urlencoded) → the proxy → an upstream fakepbx over HTTPS, its CA trusted with --cacert.
            let recorded = try await withHTTPSFakePBX { upstream, ca in
                var configuration = RecordingConfiguration(upstream: try upstream.httpsURL(host: "localhost"), output: cassette)
                configuration.trust = ClientTrust(caFile: ca)
                return try await withRecordingProxy(configuration) { port in try await PHPClient.send(flow("http://127.0.0.1:\(port)")) }
            }
            #expect(recorded.map(\.status) == [200, 200, 200], "\(recorded.map(\.body))")
            let text = try String(contentsOfFile: cassette, encoding: .utf8)
            for secret in ["Gw-Real-77", "Sip-Real-2301", "Sip-Again-2301", "your-password"] {
                #expect(!text.contains(secret), "\(secret) reached the cassette")
            }
            let exchanges = try Cassette.load(contentsOf: cassette).exchanges
            #expect(exchanges[0].request.form["gateway_password"] == "REDACTED-gateway_password-1", "multipart fields are decoded and redacted")
            #expect(
                exchanges[0].request.headers["content-type"]?.hasPrefix("multipart/form-data; boundary=") == true, "the original content type is kept"
            )

            // Replay, misses refused: the same client sends the real secrets, which match the redacted fields.
            try await withFakePBX({
                $0.replayCassettes = [cassette]
                $0.replayMiss = .error
            }) { server in
                let replayed = try await PHPClient.send(flow(server.httpURL()))
                #expect(replayed.map(\.status) == [200, 200, 200], "\(replayed.map(\.body))")
                let listing = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/replay").json()
                #expect(listing["served"] as? Int == 3 && listing["missed"] as? Int == 0, "\(listing)")
                let recent = listing["recent"] as? [[String: Any]] ?? []
                #expect(recent.first?["matched_by_redaction"] as? [String] == ["gateway_password"], "\(recent)")
                #expect(recent.dropFirst().first?["matched_by_redaction"] as? [String] == ["extension_password"], "\(recent)")

                // A redacted field still has to be there: leaving it out is a miss, and the report says why.
                let miss = try await server.post(
                    "/app/gateways/provision.php",
                    [
                        "gateway_name": "rec_gw", "gateway_domain": "sip.carrier.example", "gateway_username": "acct77",
                    ])
                #expect(miss.status == 404)
                #expect(miss.text.contains("gateway_password: recorded 'REDACTED-gateway_password-1', requested absent"), "\(miss.text)")
                let candidate = (try miss.json()["candidates"] as? [[String: Any]])?.first
                #expect(candidate?["matches_any_value"] as? [String] == ["gateway_password"], "\(candidate ?? [:])")
            }
        }
    }

    @Test func volatileFieldsAreIgnoredWhenMatching() async throws {
        try await withTemporaryDirectory { dir in
            let cassette = dir.appendingPathComponent("v.json").path
            try Cassette(
                name: "v",
                exchanges: [
                    Exchange(
                        name: "status", request: ExchangeRequest(method: "POST", path: "/app/status/index.php", form: ["nonce": "111"]),
                        response: ExchangeResponse(
                            status: 200, headers: ["content-type": "application/json"], body: .json(["status": "success", "message": "recorded"]))
                    )
                ]
            ).write(to: cassette)
            try await withFakePBX({
                $0.replayCassettes = [cassette]
                $0.replayMiss = .error
                $0.volatileFields = ["nonce"]
            }) { (server: TestServer) async throws in
                #expect(try await server.json("/app/status/index.php", ["nonce": "999"])["message"] as? String == "recorded")
            }
            try await withFakePBX({
                $0.replayCassettes = [cassette]
                $0.replayMiss = .error
            }) { (server: TestServer) async throws in
                #expect(try await server.post("/app/status/index.php", ["nonce": "999"]).status == 404)
            }
        }
    }

    @Test func missesCanBeProxiedAndRecorded() async throws {
        try await withTemporaryDirectory { dir in
            let cassette = dir.appendingPathComponent("empty.json").path
            try Cassette(name: "empty").write(to: cassette)
            let misses = dir.appendingPathComponent("misses.json").path
            try await withFakePBX { (upstream: TestServer) async throws in
                try await withFakePBX({
                    $0.replayCassettes = [cassette]
                    $0.replayMiss = .proxy(upstream: "http://127.0.0.1:\(upstream.port)", recordTo: misses)
                    $0.pbxVersion = PBXVersion("5.5.1")!
                }) { (server: TestServer) async throws in
                    // The upstream (5.4.9) answers, not this server's emulator (5.5.1).
                    #expect(try await server.json("/app/status/index.php")["version"] as? String == "5.4.9")
                }
            }
            let recorded = try Cassette.load(contentsOf: misses)
            #expect(recorded.exchanges.count == 1)
            #expect(recorded.exchanges[0].request.form["password"] == "REDACTED-password-1")
        }
    }

    @Test func pseudonymizedRecordingsAreConsistent() async throws {
        try await withTemporaryDirectory { dir in
            let cassette = dir.appendingPathComponent("p.json").path
            var configuration = RecordingConfiguration(upstream: "", output: cassette)
            configuration.pseudonymize = true
            try await withFakePBX { (upstream: TestServer) async throws in
                configuration.upstream = "http://127.0.0.1:\(upstream.port)"
                try await withRecordingProxy(configuration) { port in
                    _ = try await RawHTTPClient.post(
                        port: port, path: "/app/extensions/manage_extension.php", ["action": "list", "domain_name": "yourdomain.com"])
                    _ = try await RawHTTPClient.post(port: port, path: "/app/destinations/manage_destinations.php", ["action": "list"])
                }
            }
            let text = try String(contentsOfFile: cassette, encoding: .utf8)
            #expect(!text.contains("5192229000"), "a phone number survived")
            #expect(!text.contains("yourdomain.com"), "a domain survived")
            let recorded = try Cassette.load(contentsOf: cassette)
            let domain = recorded.exchanges[0].request.form["domain_name"]
            #expect(domain?.hasSuffix(".example.net") == true)
            // The same domain gets the same stand-in in the answer.
            let first = recorded.exchanges[0].response?.body.jsonValue?["extensions"]?.arrayValue?.first
            #expect(first?["domain_name"]?.stringValue == domain)
        }
    }

    @Test func aKillDuringRecordingLeavesAValidCassette() async throws {
        try await withTemporaryDirectory { dir in
            let cassette = dir.appendingPathComponent("killed.json").path
            let portFile = dir.appendingPathComponent("port").path
            try await withFakePBX { (upstream: TestServer) async throws in
                let recorder = try await LaunchedProcess(
                    try fakepbxExecutable(),
                    [
                        "record", "--upstream", "http://127.0.0.1:\(upstream.port)", "--out", cassette, "--port", "0", "--port-file", portFile,
                    ])
                _ = try await recorder.waitForLines(1)
                let port = try #require(Int(try String(contentsOfFile: portFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
                for _ in 1...3 { #expect(try await RawHTTPClient.post(port: port, path: "/app/status/index.php", [:]).status == 200) }
                // The answer reaches the client just before its exchange is written: wait for the third.
                _ = try await waitFor(timeout: .seconds(30), { (try? Cassette.load(contentsOf: cassette))?.exchanges.count }, until: { $0 >= 3 })
                #expect(try Cassette.load(contentsOf: cassette).exchanges.count == 3)
                // Kill it with a fourth exchange in flight.
                let inFlight = Task {
                    try? await RawHTTPClient.post(
                        port: port, path: "/app/xml_cdr/export_cdr.php", ["date_start": "2026-11-01", "date_end": "2026-11-23"])
                }
                recorder.signal(SIGKILL)
                _ = try await recorder.waitForExit(timeout: .seconds(30))
                _ = await inFlight.value
            }
            let survived = try Cassette.load(contentsOf: cassette)
            #expect((3...4).contains(survived.exchanges.count))
            #expect(survived.exchanges[2].name == "POST /app/status/index.php")
            let scan = try await runProcess(try fakepbxExecutable(), ["recording", "scan", cassette])
            #expect(scan.status == 0, "\(scan.stdout)")
        }
    }

    @Test func scanFindsSecretsThatSurvive() async throws {
        let leaky = Cassette(
            name: "leaky",
            exchanges: [
                Exchange(
                    name: "x",
                    request: ExchangeRequest(
                        method: "POST", path: "/app/status/index.php", headers: ["Authorization": "Basic YWRtaW46c2VjcmV0"],
                        form: ["password": "hunter2"]),
                    response: ExchangeResponse(status: 200, body: .json(["note": "call back with password=hunter2"]))
                )
            ])
        let findings = SecretScanner.scan(leaky).map(\.description)
        #expect(findings.contains("/exchanges/0/request/form/password: 'password' holds a value that is not redacted"))
        #expect(findings.contains { $0.hasPrefix("/exchanges/0/request/headers/authorization:") })
        #expect(findings.contains("/exchanges/0/response/body/note: 'password=' with a value survives in the text"))
    }
}

extension ExchangeResponse.Body {
    var jsonValue: JSONValue? { if case .json(let value) = self { value } else { nil } }
}

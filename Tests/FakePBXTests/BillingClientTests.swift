import FakePBX
import Foundation
import TestSupport
import Testing

/// The billing client, unchanged: PHP's curl over HTTPS with the CA trusted, fields as PHP arrays
/// (multipart) and through http_build_query (urlencoded), every credential style. The server checks
/// each request against its contract (`--verify-client --strict`), so a field lost or misread in
/// any encoding fails the call.
@Suite("The billing client in PHP")
struct BillingClientTests {
    @Test("Test Connection, status, provisioning, extension passwords and CDR export in three formats, over HTTPS")
    func moduleFlow() async throws {
        try await withHTTPSFakePBX({ $0.verifyClient = .strict }) { server, ca in
            func call(
                _ path: String, _ fields: [String: String], _ encoding: PHPClient.Call.Encoding = .multipart,
                auth: PHPClient.Call.Auth = .form
            ) throws -> PHPClient.Call {
                PHPClient.Call(url: try server.httpsURL(path), fields: fields, encoding: encoding, auth: auth, caFile: ca)
            }
            let day = "2026-11-20"
            let calls = [
                try call("/app/xml_cdr/chkcon.php", [:]),
                try call("/app/status/index.php", [:], .urlencoded),
                try call("/app/status/index.php", [:], auth: .basic),
                try call(
                    "/app/gateways/provision.php",
                    [
                        "gateway_name": "billing_gw", "gateway_domain": "sip.carrier.example", "gateway_username": "acct1001",
                        "gateway_password": "Gw-Secret-1", "domain_name": "yourdomain.com",
                    ]),
                try call("/app/gateways/provision_list.php", ["domain_name": "yourdomain.com"], .urlencoded),
                try call(
                    "/app/extensions/manage_extension.php",
                    [
                        "action": "create", "extension": "2101", "domain_name": "yourdomain.com", "extension_password": "Sip-Chosen-2101",
                    ]),
                try call(
                    "/app/extensions/manage_extension.php",
                    [
                        "action": "create", "extension": "2102", "domain_name": "yourdomain.com", "password": "Sip-Chosen-2102",
                    ], auth: .basic),
                try call(
                    "/app/extensions/manage_extension.php",
                    [
                        "action": "create", "extension": "2103", "domain_name": "yourdomain.com", "password": "Sip-Chosen-2103",
                    ], .urlencoded, auth: .apiKey),
                try call("/app/xml_cdr/export_cdr.php", ["date_start": day, "date_end": day, "format": "JSON"]),
                try call("/app/xml_cdr/export_cdr.php", ["date_start": day, "date_end": day, "format": "CSV"]),
                try call("/app/xml_cdr/export_cdr.php", ["date_start": day, "date_end": day, "format": "XML"]),
            ]
            let outcomes = try await PHPClient.send(calls)
            for (index, outcome) in outcomes.enumerated() {
                #expect(outcome.errno == 0, "call \(index): curl error \(outcome.errno) \(outcome.error)")
                #expect(outcome.status == 200, "call \(index) (\(calls[index].url)): \(outcome.status) \(outcome.body.prefix(300))")
            }
            #expect(try outcomes[0].json()["success"] as? Int == 1, "Test Connection")
            #expect(try outcomes[1].json()["status"] as? String == "success")
            #expect(try outcomes[2].json()["status"] as? String == "success")
            #expect(try outcomes[3].json()["gateway_name"] as? String == "billing_gw")
            #expect(outcomes[4].body.contains("billing_gw"), "the provisioned gateway is listed")
            // The SIP password the module chose, under form, Basic and API-key authentication.
            #expect(try outcomes[5].json()["password"] as? String == "Sip-Chosen-2101")
            #expect(try outcomes[6].json()["password"] as? String == "Sip-Chosen-2102")
            #expect(try outcomes[7].json()["password"] as? String == "Sip-Chosen-2103")
            let export = try outcomes[8].json()
            #expect((export["total_records"] as? Int ?? 0) > 0, "the default dataset has calls on \(day)")
            #expect(outcomes[9].body.hasPrefix("\""), "CSV in FusionPBX's quoting")
            #expect(outcomes[10].body.hasPrefix("<?xml"), "XML")

            let violations = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/violations").json()
            #expect(violations["count"] as? Int == 0, "every request met its contract: \(violations)")
        }
    }

    @Test("the PHP snippet of docs/https.md works as printed, and shows curl error 60 with an expired certificate")
    func readmeSnippet() async throws {
        let readme = try String(contentsOf: repositoryFile("docs/https.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "```php\n"), "docs/https.md has a PHP snippet")
        let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let snippet = String(readme[start.upperBound..<end.lowerBound])
        try await withHTTPSFakePBX { server, ca in
            try await withTemporaryDirectory { dir in
                let script = dir.appendingPathComponent("snippet.php")
                try snippet.write(to: script, atomically: true, encoding: .utf8)
                var environment = ProcessInfo.processInfo.environment
                environment["PBX_URL"] = try server.httpsURL()
                environment["PBX_CA"] = ca
                let valid = try await runProcess(try await PHPClient.executable(), [script.path], environment: environment)
                #expect(valid.stdout.contains(#""success":1"#), "\(valid.stdout)\(valid.stderr)")
                _ = try await RawHTTPClient.request(
                    port: server.port, path: "/__fakepbx/tls", body: #"{"mode": "expired"}"#, contentType: "application/json")
                let expired = try await runProcess(try await PHPClient.executable(), [script.path], environment: environment)
                #expect(expired.stdout == "curl error 60: SSL certificate problem: certificate has expired\n", "\(expired.stdout)")
            }
        }
    }

    @Test("a multipart body over 1 KiB is answered at once: 100 Continue spares curl its one-second wait")
    func expectContinue() async throws {
        // Plain HTTP served too (stock FusionPBX would redirect it, without a 100 Continue: HTTPRedirectTests).
        try await withHTTPSFakePBX({ $0.httpRedirect = false }) { server, ca in
            let note = String(repeating: "x", count: 4096)
            // libcurl adds the header itself only for larger bodies (this one, 7.88, not for 4 KiB):
            // asked for, it waits up to a second for the interim answer before sending the body.
            var calls = [
                PHPClient.Call(url: try server.httpsURL("/app/status/index.php"), fields: ["note": note], caFile: ca),
                PHPClient.Call(url: server.httpURL("/app/status/index.php"), fields: ["note": note]),
            ]
            for index in calls.indices { calls[index].headers = ["Expect: 100-continue"] }
            for (call, outcome) in zip(calls, try await PHPClient.send(calls)) {
                #expect(outcome.status == 200, "\(call.url): \(outcome.error)")
                // curl read the interim answer, so it sent the body without its one-second wait.
                #expect(outcome.statusLines == ["HTTP/1.1 100 Continue", "HTTP/1.1 200 OK"], "\(call.url): \(outcome.statusLines)")
            }
            let raw = try await RawHTTPClient.exchange(
                port: server.port,
                bytes: Array(
                    "POST /app/status/index.php HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 37\r\nContent-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\nusername=admin&password=your-password"
                        .utf8)
            )
            let text = String(decoding: raw, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK"), "\(text.prefix(120))")
        }
    }

    @Test("the extension's own password: form credentials keep `password` for the API user, Basic and API keys leave it to the record")
    func extensionPasswordRule() async throws {
        try await withFakePBX { server in
            // Form credentials: `password` is the API user's; the SIP password travels as extension_password.
            let form = try await server.post(
                "/app/extensions/manage_extension.php",
                [
                    "action": "create", "extension": "2201", "domain_name": "yourdomain.com", "extension_password": "Form-SIP-2201",
                ])
            #expect(form.status == 200, "\(form.text)")
            #expect(try form.json()["password"] as? String == "Form-SIP-2201")
            // HTTP Basic: a form `password` is the extension's.
            let basic = try await RawHTTPClient.request(
                port: server.port, path: "/app/extensions/manage_extension.php",
                headers: ["Authorization": "Basic " + Data("admin:your-password".utf8).base64EncodedString()],
                body: "action=update&extension=2201&domain_name=yourdomain.com&password=Changed-2201"
            )
            #expect(basic.status == 200, "\(basic.text)")
            let state = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/state").json()
            let stored = (state["extensions"] as? [[String: Any]])?.first { $0["extension"] as? String == "2201" }
            #expect(stored?["password"] as? String == "Changed-2201", "the update under HTTP Basic set the SIP password")
            // An API key: likewise; a wrong form password is not a failed login.
            let keyed = try await RawHTTPClient.request(
                port: server.port, path: "/app/extensions/manage_extension.php", headers: ["X-API-Key": PHPClient.apiKey],
                body: "action=create&extension=2202&domain_name=yourdomain.com&password=Key-SIP-2202"
            )
            #expect(keyed.status == 200, "\(keyed.text)")
            #expect(try keyed.json()["password"] as? String == "Key-SIP-2202")
            // With the user named in the form, `password` is still the credential: a wrong one is 401.
            let wrong = try await server.post("/app/status/index.php", ["password": "not-it"])
            #expect(wrong.status == 401)
            // Nothing else presented: a lone `password` is taken as the credential, and the answer says what is missing.
            let lone = try await RawHTTPClient.request(port: server.port, path: "/app/status/index.php", body: "password=your-password")
            #expect(lone.status == 401)
        }
    }
}

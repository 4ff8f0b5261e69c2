import ContractKit
import FakePBX
import Foundation
import TestSupport
import Testing

/// Access behaviour as a client sees it over real loopback sockets.
@Suite("Access over the wire")
struct AccessLiveTests {
    static let chkcon = "/app/xml_cdr/chkcon.php"
    static let status = "/app/status/index.php"

    @Test func whitelistedLoopbackIsGrantedAndOtherAddressDenied() async throws {
        try await withFakePBX { server in
            let granted = try await server.post(Self.chkcon, from: "127.0.0.1")
            #expect(granted.status == 200)
            #expect(granted.text == #"{"success":1,"message":"API Access Granted: Whitelisted IP"}"#)

            let denied = try await server.post(Self.chkcon, from: "127.0.0.2")
            #expect(denied.status == 403)
            #expect(denied.text == #"{"success":0,"message":"API Access Denied: Only whitelisted IPs may access this endpoint."}"#)

            let deniedStatus = try await server.post(Self.status, from: "127.0.0.2")
            #expect(deniedStatus.status == 403)
            let body = try deniedStatus.json()
            #expect(body["status"] as? String == "error")
            #expect(body["message"] as? String == APIError.whitelistDenialMessage)
            #expect(body["timestamp"] as? String == "2026-11-23T12:00:00Z")
        }
    }

    @Test func ipv6LoopbackIsGranted() async throws {
        try await withFakePBX({ $0.host = "::1" }) { server in
            let raw = try await RawHTTPClient.request(
                port: server.port, host: "::1", path: Self.chkcon, body: "username=admin&password=your-password"
            )
            #expect(raw.status == 200)
            #expect(try raw.json()["success"] as? Int == 1)
        }
    }

    @Test func whitelistEditTakesEffectWithoutRestartAndBadEditKeepsPreviousList() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("chkcon_whitelist.conf")
            try "# only the second loopback\n127.0.0.2\n".write(to: file, atomically: true, encoding: .utf8)
            try await withFakePBX({ $0.whitelistFile = file.path }) { server in
                #expect(try await server.post(Self.chkcon, from: "127.0.0.1").status == 403)
                #expect(try await server.post(Self.chkcon, from: "127.0.0.2").status == 200)

                try "127.0.0.1\n".write(to: file, atomically: true, encoding: .utf8)
                let reloaded = try await eventually(timeout: .seconds(30)) { try await server.post(Self.chkcon, from: "127.0.0.1").status == 200 }
                #expect(reloaded, "the edited whitelist was not applied within 30 seconds")
                #expect(try await server.post(Self.chkcon, from: "127.0.0.2").status == 403)

                try "127.0.0.1\nnot-an-address\n".write(to: file, atomically: true, encoding: .utf8)
                let rejected = try await eventually(timeout: .seconds(30)) {
                    let count = try await RawHTTPClient.request(
                        port: server.port, method: "GET", path: "/__fakepbx/journal/count?event=whitelist-rejected"
                    ).json()
                    return count["count"] as? Int == 1
                }
                #expect(rejected, "the bad edit was read and journalled as rejected")
                #expect(try await server.post(Self.chkcon, from: "127.0.0.1").status == 200, "a bad edit must keep the previous list")
            }
        }
    }

    @Test func credentialsFromFormBasicHeaderAndBearer() async throws {
        try await withFakePBX { server in
            let port = server.port
            let basic = Data("admin:your-password".utf8).base64EncodedString()
            let viaBasic = try await RawHTTPClient.request(port: port, path: Self.status, headers: ["Authorization": "Basic \(basic)"])
            #expect(viaBasic.status == 200)
            let key = Credentials.documentationDefaults.apiKey!
            let viaHeader = try await RawHTTPClient.request(port: port, path: Self.status, headers: ["X-API-Key": key])
            #expect(viaHeader.status == 200)
            let viaBearer = try await RawHTTPClient.request(port: port, path: Self.status, headers: ["Authorization": "Bearer \(key)"])
            #expect(viaBearer.status == 200)
            let viaField = try await server.post(Self.status, ["key": key], credentials: false)
            #expect(viaField.status == 200)
            let getStatus = try await RawHTTPClient.request(port: port, method: "GET", path: "/app/status/?key=\(key)")
            #expect(getStatus.status == 200)
            #expect(try getStatus.json()["message"] as? String == "System operational")
        }
    }

    @Test func authenticationFailuresUseTheErrorEnvelope() async throws {
        try await withFakePBX { server in
            let wrong = try await server.post(Self.status, ["password": "guess"])
            #expect(wrong.status == 401)
            #expect(try wrong.json()["message"] as? String == "Authentication Failed: Invalid credentials")
            #expect(wrong.header("WWW-Authenticate") == "Basic realm=\"FusionPBX\"")

            let none = try await server.post(Self.status, credentials: false)
            #expect(none.status == 401)
            #expect(try none.json()["message"] as? String == "Authentication Failed: Missing credentials; send username and password, or an API key")

            let badKey = try await RawHTTPClient.request(port: server.port, path: Self.status, headers: ["X-API-Key": "nope"])
            #expect(badKey.status == 401)

            // Under multi, chkcon checks credentials too and answers in its own envelope.
            let chkcon = try await server.post(Self.chkcon, credentials: false)
            #expect(chkcon.status == 401)
            #expect(try chkcon.json()["success"] as? Int == 0)
        }
    }

    @Test func authProfiles() async throws {
        try await withFakePBX({ $0.authProfile = .whitelistOnly }) { (server: TestServer) async throws in
            #expect(try await server.post(Self.status, credentials: false).status == 200)
            #expect(try await server.post(Self.status, credentials: false, from: "127.0.0.2").status == 403)
        }
        try await withFakePBX({ $0.authProfile = .password }) { server in
            #expect(try await server.post(Self.chkcon, credentials: false).status == 200, "chkcon needs no password under 'password'")
            let key = Credentials.documentationDefaults.apiKey!
            let keyOnly = try await RawHTTPClient.request(port: server.port, path: Self.status, headers: ["X-API-Key": key])
            #expect(keyOnly.status == 401, "API keys are a v1.4 (multi) feature")
            #expect(try await server.post(Self.status).status == 200)
        }
        try await withFakePBX({
            $0.credentials = Credentials(username: "whmcs", password: "s3cret!", apiKey: nil)
        }) { (server: TestServer) async throws in
            #expect(try await server.post(Self.status, ["username": "whmcs", "password": "s3cret!"]).status == 200)
            #expect(try await server.post(Self.status).status == 401)
        }
    }

    @Test func forwardedForIsIgnoredUnlessThePeerIsATrustedProxy() async throws {
        let body = "username=admin&password=your-password"
        try await withFakePBX { server in
            let spoofed = try await RawHTTPClient.request(
                port: server.port, from: "127.0.0.2", path: Self.chkcon, headers: ["X-Forwarded-For": "127.0.0.1"], body: body
            )
            #expect(spoofed.status == 403, "a client outside the whitelist must not get in by sending X-Forwarded-For")
        }
        try await withFakePBX({ $0.trustedProxies = [CIDRBlock("127.0.0.1/32")!] }) { server in
            let proxied = try await RawHTTPClient.request(
                port: server.port, path: Self.chkcon, headers: ["X-Forwarded-For": "203.0.113.50"], body: body
            )
            #expect(proxied.status == 403, "behind a trusted proxy the forwarded client address is checked")
            let direct = try await RawHTTPClient.request(port: server.port, path: Self.chkcon, body: body)
            #expect(direct.status == 200)
        }
    }

    @Test func httpLevelErrors() async throws {
        try await withFakePBX { server in
            let port = server.port
            // nginx hands every *.php to PHP-FPM, which answers a missing script in plain text (fusionpbx-install.sh `debian/resources/nginx/fusionpbx`: `location ~ \\.php$` to PHP-FPM).
            #expect(try FusionPBXFacts.bullet("Transport:").contains("PHP-FPM's plain `File not found.` with 404"))
            let missing = try await server.post("/app/unknown.php")
            #expect(missing.status == 404)
            #expect(missing.text == "File not found.\n")
            #expect(missing.header("Content-Type") == "text/html; charset=UTF-8")
            let notPHP = try await server.post("/app/unknown")
            #expect(notPHP.status == 404)
            #expect(try notPHP.json()["message"] as? String == "Endpoint not found: /app/unknown")

            let wrongMethod = try await RawHTTPClient.request(port: port, method: "GET", path: "/app/gateways/provision.php")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.header("Allow") == "POST")
            #expect(try wrongMethod.json()["status"] as? String == "error")

            // nginx and PHP accept bodies up to 80 MB (client_max_body_size 80M, post_max_size 80M).
            #expect(try FusionPBXFacts.bullet("Transport:").contains("bodies up to 80 MB"))
            let large = try await RawHTTPClient.request(
                port: port, path: "/app/status/index.php", body: "username=admin&password=your-password&x=" + String(repeating: "a", count: 3 << 20)
            )
            #expect(large.status == 200, "3 MB is well within the real server's limit")
            // Refused on its Content-Length, before the body is read: the client sends only the head.
            let announced =
                "POST /app/status/index.php HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \((80 << 20) + 1)\r\n\r\nx=a"
            let tooLarge = try RawHTTPClient.parse(try await RawHTTPClient.exchange(port: port, bytes: Array(announced.utf8)))
            #expect(tooLarge.status == 413)
            #expect(try tooLarge.json()["message"] as? String == "Invalid Request: request body is larger than 80 MB (client_max_body_size 80M)")

            let badEncoding = try await RawHTTPClient.request(
                port: port, path: "/app/status/index.php", body: "username=admin&password=your-password&x=%zz"
            )
            #expect(badEncoding.status == 400)
            #expect((try badEncoding.json()["message"] as? String)?.hasPrefix("Invalid Request: malformed request body") == true)

            let badJSON = try await RawHTTPClient.request(
                port: port, path: "/app/status/index.php", body: "{\"username\": ", contentType: "application/json"
            )
            #expect(badJSON.status == 401, "PHP does not read a JSON body: the script sees no credentials")
            #expect((try badJSON.json()["message"] as? String)?.contains("Missing credentials") == true)

            let multipart = try await RawHTTPClient.request(
                port: port, path: "/app/status/index.php",
                body:
                    "--x\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nadmin\r\n--x\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nyour-password\r\n--x--\r\n",
                contentType: "multipart/form-data; boundary=x"
            )
            #expect(multipart.status == 200, "multipart/form-data, as PHP's curl sends an array of fields")
            let badMultipart = try await RawHTTPClient.request(
                port: port, path: "/app/status/index.php", body: "--x\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nadmin",
                contentType: "multipart/form-data; boundary=x"
            )
            #expect(badMultipart.status == 400)
            #expect((try badMultipart.json()["message"] as? String)?.hasPrefix("Invalid Request: malformed multipart/form-data body") == true)

            let jsonBody = try await RawHTTPClient.request(
                port: port, path: "/app/status/index.php", body: #"{"username":"admin","password":"your-password"}"#,
                contentType: "application/json"
            )
            #expect(jsonBody.status == 401, "a JSON body is read only with --json-bodies (PHPBodyReadingTests)")

            let bodyWins = try await RawHTTPClient.request(
                port: port, path: "/app/registrations/check_registration.php?extension=9999&tenant_domain=yourdomain.com",
                body: "username=admin&password=your-password&extension=1001"
            )
            #expect(bodyWins.status == 200, "query-string parameters are read, and a body value wins over them")
            #expect(try bodyWins.json()["registered"] as? String == "yes")

            let missingParameters = try await server.post("/app/registrations/check_registration.php")
            #expect(missingParameters.status == 400)
            #expect(try missingParameters.json()["message"] as? String == "Missing Parameters: extension, tenant_domain")

            let head = try await RawHTTPClient.request(
                port: port, method: "HEAD", path: "/app/xml_cdr/chkcon.php?key=\(Credentials.documentationDefaults.apiKey!)")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
        }
    }
}

import FakePBX
import Foundation
import TestSupport
import Testing

/// Plain HTTP with HTTPS on, as stock FusionPBX's nginx answers it: 301 to HTTPS, except paths naming
/// provision, xml_cdr or firmware.
@Suite struct HTTPRedirectTests {
    @Test func aModuleConfiguredWithHTTPGetsThe301ForStatusAndTheCDRExportWorks() async throws {
        try await withHTTPSFakePBX { server, ca in
            let outcomes = try await PHPClient.send([
                PHPClient.Call(url: server.httpURL("/app/status/index.php?x=1"), encoding: .urlencoded),
                PHPClient.Call(
                    url: server.httpURL("/app/xml_cdr/export_cdr.php"), fields: ["date_start": "2026-11-22", "date_end": "2026-11-22"],
                    encoding: .urlencoded),
                PHPClient.Call(url: try server.httpsURL("/app/status/index.php"), encoding: .urlencoded, caFile: ca),
            ])
            #expect(outcomes.map(\.status) == [301, 200, 200], "\(outcomes.map { $0.body.prefix(120) })")
            #expect(outcomes[0].body.contains("<center><h1>301 Moved Permanently</h1></center>"))
            #expect(outcomes[0].body.contains("<hr><center>nginx/1.22.1</center>"))

            let raw = try await RawHTTPClient.request(port: server.port, path: "/app/extensions/manage_extension.php?a=b", body: "x=1")
            #expect(raw.status == 301)
            let httpsPort = try #require(server.httpsPort)
            #expect(raw.header("location") == "https://127.0.0.1:\(httpsPort)/app/extensions/manage_extension.php?a=b", "\(raw.headers)")
            #expect(raw.header("content-type") == "text/html")
            // The control API and the other exempt paths are served; FIRMWARE matches case-insensitively.
            #expect(try await server.control("GET", "health").status == 200)
            let firmware = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/app/FIRMWARE/x.bin")
            #expect(firmware.status == 404, "\(firmware.text)")
            let journal = try await server.control("GET", "journal?endpoint=status")
            #expect(journal.text.contains("https-redirect"), "\(journal.text.prefix(300))")
        }
    }

    @Test func aRedirectIsAnsweredFromTheHeadWithoutAHundredContinue() async throws {
        try await withHTTPSFakePBX { server, _ in
            let raw = try await RawHTTPClient.exchange(
                port: server.port,
                bytes: Array(
                    "POST /app/status/index.php HTTP/1.1\r\nHost: pbx.example.com\r\nExpect: 100-continue\r\nContent-Length: 37\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n"
                        .utf8)
            )
            let text = String(decoding: raw, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 301 Moved Permanently\r\n"), "\(text.prefix(120))")
            #expect(text.contains("Location: https://pbx.example.com:"), "\(text.prefix(400))")
        }
    }

    @Test func offServesHTTPToo() async throws {
        try await withHTTPSFakePBX({ $0.httpRedirect = false }) { (server: TestServer, _: String) async throws in
            #expect(try await server.post("/app/status/index.php").status == 200)
        }
    }
}

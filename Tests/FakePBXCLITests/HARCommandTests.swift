import ContractKit
import FakePBX
import Foundation
import JSONSchema
import TestSupport
import Testing

/// `fakepbx recording export --har` and `recording import`, from the command line.
@Suite("fakepbx recording export and import (HAR)")
struct HARCommandTests {
    @Test("a cassette exported as HAR and imported back replays the same answers; an imported HAR's secrets are redacted")
    func exportImportReplay() async throws {
        let binary = try fakepbxExecutable()
        try await withTemporaryDirectory { dir in
            let har = dir.appendingPathComponent("docs.har").path
            let export = try await runProcess(
                binary, ["recording", "export", "--har", repositoryFile("Recordings/ictvoip-docs.json").path, "--out", har])
            #expect(export.status == 0, "\(export.stderr)")
            let cassette = dir.appendingPathComponent("back.json").path
            let imported = try await runProcess(binary, ["recording", "import", har, "--out", cassette])
            #expect(imported.status == 0 && imported.stdout.contains("9 exchanges"), "\(imported.stdout)\(imported.stderr)")
            #expect(try await runProcess(binary, ["contract", "check", cassette]).status == 0)

            // Replayed: the recorded answer, not the emulator's (the default dataset says "Whitelisted IP" too,
            // so the check is the replay mark in the journal).
            let portFile = dir.appendingPathComponent("port").path
            let serve = try await LaunchedProcess(
                binary, ["serve", "--port", "0", "--port-file", portFile, "--replay", cassette, "--on-miss", "error"])
            defer { serve.signal(SIGTERM) }
            _ = try await serve.waitForLines(1)
            let port = try #require(Int(try String(contentsOfFile: portFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            let answer = try await RawHTTPClient.post(port: port, path: "/app/xml_cdr/chkcon.php", [:])
            #expect(answer.status == 200 && answer.text.contains("API Access Granted: Whitelisted IP"), "\(answer.text)")
            let journal = try await RawHTTPClient.request(port: port, method: "GET", path: "/__fakepbx/journal?limit=1")
            #expect(journal.text.contains("replay:"), "\(journal.text)")

            // A HAR saved from a browser, with a password in the form: redacted on import.
            let browser = dir.appendingPathComponent("browser.har").path
            try Data(
                #"""
                {"log": {"version": "1.2", "creator": {"name": "Chromium", "version": "156"}, "entries": [{
                  "startedDateTime": "2026-11-23T12:00:00Z", "time": 3, "cache": {}, "timings": {"send": 0, "wait": 3, "receive": 0},
                  "request": {"method": "POST", "url": "https://pbx.example.com/app/status/index.php", "httpVersion": "HTTP/1.1", "cookies": [],
                    "headers": [], "queryString": [], "headersSize": -1, "bodySize": 45,
                    "postData": {"mimeType": "application/x-www-form-urlencoded", "text": "username=admin&password=Sup3r-Secret-Pass"}},
                  "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "cookies": [], "headers": [], "redirectURL": "",
                    "headersSize": -1, "bodySize": 2, "content": {"size": 2, "mimeType": "application/json", "text": "{}"}}}]}}
                """#.utf8
            ).write(to: URL(fileURLWithPath: browser))
            let redacted = dir.appendingPathComponent("redacted.json").path
            #expect(try await runProcess(binary, ["recording", "import", browser, "--out", redacted]).status == 0)
            let text = try String(contentsOfFile: redacted, encoding: .utf8)
            #expect(!text.contains("Sup3r-Secret-Pass") && text.contains("admin"), "\(text)")
            #expect(try await runProcess(binary, ["recording", "scan", redacted]).status == 0)
        }
    }
}

extension HARCommandTests {
    /// Records a HAR in Chromium against a fakepbx on `port` (scripts/browser/har.py); its output.
    static func chromiumHAR(port: Int, to har: String) async throws -> ProcessResult {
        try await runProcess(try python3(), [repositoryFile("scripts/browser/har.py").path, "http://127.0.0.1:\(port)", har])
    }

    @Test(
        "a HAR Chromium recorded (Playwright's record_har_path) of URLSearchParams, FormData, JSON and GET requests imports with no secret and replays every request"
    )
    func chromiumHARImportsCleanAndReplays() async throws {
        let binary = try fakepbxExecutable()
        try await withTemporaryDirectory { dir in
            let har = dir.appendingPathComponent("browser.har").path
            // The admin tool sends one request as JSON, which PHP (and fakepbx by default) would not read.
            try await withFakePBX({ $0.jsonBodies = true }) { (server: TestServer) async throws in
                let recorded = try await Self.chromiumHAR(port: server.port, to: har)
                #expect(recorded.status == 0, "\(recorded.stdout)\(recorded.stderr)")
            }
            let text = try String(contentsOfFile: har, encoding: .utf8)
            #expect(text.contains("multipart/form-data; boundary=----WebKitFormBoundary"), "Chromium sent the FormData as multipart")
            #expect(text.contains("your-password"), "the HAR itself holds the password")

            let cassette = dir.appendingPathComponent("browser.json").path
            let imported = try await runProcess(binary, ["recording", "import", har, "--out", cassette])
            #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
            #expect(!(try String(contentsOfFile: cassette, encoding: .utf8)).contains("your-password"))
            let scan = try await runProcess(binary, ["recording", "scan", cassette])
            #expect(scan.status == 0, "\(scan.stdout)")
            let exchanges = try Cassette.load(contentsOf: cassette).exchanges.filter { $0.request.path.hasPrefix("/app/") }
            #expect(exchanges.count == 4)
            #expect(exchanges.allSatisfy { $0.request.parameters["password"]?.hasPrefix("REDACTED-") == true }, "\(exchanges.map(\.request))")
            #expect(exchanges[1].request.form["domain_name"] == "yourdomain.com", "the FormData read by its boundary")

            // Replayed by the same browser code: every PBX request served from the cassette, none missed.
            let portFile = dir.appendingPathComponent("port").path
            let serve = try await LaunchedProcess(
                binary, ["serve", "--port", "0", "--port-file", portFile, "--replay", cassette, "--replay-mode", "answers", "--on-miss", "error"])
            defer { serve.signal(SIGTERM) }
            _ = try await serve.waitForLines(1)
            let port = try #require(Int(try String(contentsOfFile: portFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            let replayed = try await Self.chromiumHAR(port: port, to: dir.appendingPathComponent("again.har").path)
            #expect(replayed.status == 0, "\(replayed.stdout)\(replayed.stderr)")
            let replay = try await RawHTTPClient.request(port: port, method: "GET", path: "/__fakepbx/replay").json()
            #expect(replay["served"] as? Int == 4, "\(replay)")
            // Every request to the PBX was answered from the cassette (the browser's own favicon.ico is no PBX request).
            let journal = try await RawHTTPClient.request(port: port, method: "GET", path: "/__fakepbx/journal").json()
            let requests = (journal["requests"] as? [[String: Any]] ?? []).filter { ($0["path"] as? String)?.hasPrefix("/app/") == true }
            #expect(requests.count == 4, "\(requests)")
            #expect(requests.allSatisfy { ($0["applied"] as? [String] ?? []).contains { $0.hasPrefix("replay:browser#") } }, "\(requests)")
        }
    }
}

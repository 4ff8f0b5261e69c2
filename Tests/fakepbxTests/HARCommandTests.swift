import ContractKit
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

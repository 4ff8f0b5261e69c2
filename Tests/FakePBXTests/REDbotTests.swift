import FakePBX
import Foundation
import TestSupport
import Testing

/// REDbot (PyPI), lint for HTTP, over the control API, the dashboard, the API's GET routes and a
/// 404: no note it rates BAD (framing, lengths, dates, conditional requests, HEAD, ranges...). The
/// event stream is left out: REDbot reads a body to its end, and that one has none.
@Suite struct REDbotTests {
    @Test func noAnswerBreaksHTTPsRules() async throws {
        let redbot = try toolOnPath("redbot", neededFor: "REDbotTests", install: "python3 -m pip install redbot==2.7.1")
        try await withFakePBX({ _ in }, clock: .system) { server in
            for path in [
                "/__fakepbx/health", "/__fakepbx/", "/__fakepbx/journal", "/__fakepbx/state",
                "/app/status/index.php?key=fakepbx-demo-api-key-0123456789abcdef", "/app/status/?key=fakepbx-demo-api-key-0123456789abcdef",
                "/app/xml_cdr/chkcon.php?username=admin&password=your-password", "/app/nothing-here.php", "/nothing-here",
            ] {
                let result = try await runProcess(redbot, ["-o", "har", server.httpURL(path)])
                #expect(result.status == 0, "redbot \(path): \(result.stderr)")
                let har = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
                let entries = (har?["log"] as? [String: Any])?["entries"] as? [[String: Any]] ?? []
                #expect(!entries.isEmpty, "redbot \(path) checked nothing: \(result.stdout.prefix(300))")
                let bad = entries.flatMap { ($0["_red_messages"] as? [[String: Any]]) ?? [] }.filter { $0["level"] as? String == "BAD" }
                #expect(bad.isEmpty, "\(path): \(bad.map { "\($0["note_id"] ?? ""): \($0["summary"] ?? "")" })")
            }
        }
    }
}

import Foundation
import TestSupport
import Testing

/// The ictVoIP documentation's own curl examples (`../shared/seeds/003_*.txt`) must work against fakepbx
/// with only the host changed.
@Suite("Documented curl examples")
struct SeedExamplesTests {
    /// Every `curl -X POST https://your-fusionpbx.com/... -d "..."` command in the document.
    static func curlCommands() throws -> [String] {
        let url = try sharedFolder("seeds/003_9e4c4c21bb1eca44.txt")
        let text = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "\\\n", with: " ")
        return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("curl ") && $0.contains("https://your-fusionpbx.com") }
    }

    @Test func everyDocumentedCurlExampleSucceeds() async throws {
        let commands = try Self.curlCommands()
        #expect(commands.count == 5, "the seed document has five curl examples; found \(commands.count)")
        try await withFakePBX { server in
            for command in commands {
                let local = command.replacingOccurrences(of: "https://your-fusionpbx.com", with: "http://127.0.0.1:\(server.port)")
                let result = try await runProcess("/bin/sh", ["-c", local + " -s -w '\\n%{http_code}'"])
                #expect(result.status == 0, "curl failed: \(result.stderr)")
                let lines = result.stdout.split(separator: "\n")
                #expect(lines.last == "200", "\(command) answered \(result.stdout)")
                let body = try JSONSerialization.jsonObject(with: Data(lines.first.map(String.init)?.utf8 ?? "".utf8)) as? [String: Any]
                #expect(body?["status"] as? String == "success", "\(command) answered \(result.stdout)")
            }
        }
    }
}

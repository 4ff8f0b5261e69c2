import Foundation
import JSONSchema
import TestSupport
import Testing

/// `GET /__fakepbx/journal?format=har`: the journal's requests as HAR 1.2.
@Suite("Journal as HAR")
struct JournalHARTests {
    @Test("valid HAR 1.2 (checked with the project's validator), secrets redacted, events left out; another format is 400")
    func journalAsHAR() async throws {
        try await withFakePBX { (server: TestServer) async throws in
            #expect(try await server.post("/app/status/index.php").status == 200)
            _ = try await RawHTTPClient.request(
                port: server.port, method: "POST", path: "/__fakepbx/bans", body: #"{"address": "203.0.113.9"}"#, contentType: "application/json"
            )
            let answer = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/journal?format=har")
            #expect(answer.status == 200, "\(answer.text)")
            let har = try JSONParser.parse(answer.body)
            let schema = try JSONParser.parse(Array(try Data(contentsOf: repositoryFile("Tests/ContractKitTests/Fixtures/har-1.2.schema.json"))))
            let result = try Validator(schema: schema, formatAssertion: true).validate(har)
            #expect(result.isValid, "\(result.errors.prefix(5))")
            let entries = try #require(har["log"]?["entries"]?.arrayValue)
            #expect(entries.count == 1, "the ban event is not a request")
            let request = entries.first?["request"]
            #expect(request?["url"]?.stringValue?.hasSuffix("/app/status/index.php") == true)
            #expect(entries.first?["response"]?["status"] == 200)
            let params = request?["postData"]?["params"]?.arrayValue ?? []
            #expect(!answer.text.contains("your-password"), "\(answer.text)")
            #expect(params.isEmpty || params.allSatisfy { $0["name"]?.stringValue != "password" || $0["value"]?.stringValue == "[redacted]" })
            let bad = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/journal?format=xml")
            #expect(bad.status == 400 && bad.text.contains("json or har"), "\(bad.text)")
        }
    }
}

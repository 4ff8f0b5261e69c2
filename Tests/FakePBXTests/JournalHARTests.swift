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

    @Test("what happened: the query stays in the URL and queryString, the reason phrase is there, a cut body says so with its real size")
    func truthful() async throws {
        try await withFakePBX { (server: TestServer) async throws in
            // PHP's $_REQUEST: the action and domain in the query, the credentials in the body.
            let path = "/app/extensions/manage_extension.php?action=list&domain_name=yourdomain.com&token=abc123"
            #expect(try await RawHTTPClient.post(port: server.port, path: path, [:]).status == 200)
            let export = try await server.post(
                "/app/xml_cdr/export_cdr.php", ["date_start": "2026-11-01", "date_end": "2026-11-22", "format": "XML"])
            #expect(export.status == 200 && export.body.count > 16_384, "an answer larger than what the journal keeps: \(export.body.count) bytes")
            let answer = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/journal?format=har")
            let entries = try #require(try JSONParser.parse(answer.body)["log"]?["entries"]?.arrayValue)
            #expect(!answer.text.contains("your-password"))
            let list = try #require(entries.first { $0["request"]?["url"]?.stringValue?.contains("manage_extension.php") == true })
            let url = try #require(list["request"]?["url"]?.stringValue)
            #expect(url.contains("manage_extension.php?") && url.contains("action=list") && url.contains("token=%5Bredacted%5D"), "\(url)")
            #expect(list["request"]?["queryString"]?.arrayValue?.contains { $0["name"] == "domain_name" } == true)
            let body = list["request"]?["postData"]?["params"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(!body.contains("action") && !body.contains("domain_name"), "the query's fields are not in the body: \(body)")
            #expect(list["response"]?["statusText"] == "OK")

            let cut = try #require(entries.first { $0["request"]?["url"]?.stringValue?.hasSuffix("export_cdr.php") == true })
            let content = cut["response"]?["content"]
            #expect(content?["text"]?.stringValue?.utf8.count == 16_384)
            let comment = content?["comment"]?.stringValue ?? ""
            #expect(comment.hasPrefix("cut: the text is the first 16384 bytes of the body"), "\(comment)")
            // The export streams: its size is HAR's "not known" unless the server counted it.
            let size = cut["response"]?["bodySize"]
            #expect(size == -1 || size == .int(export.body.count), "\(String(describing: size)) for \(export.body.count) bytes sent")
        }
    }
}

import FakePBX
import Foundation
import TestSupport
import Testing

/// Bodies as PHP reads them: only urlencoded and multipart bodies fill `$_POST`, with PHP's own
/// limits. The numbers were measured with PHP 8.2's built-in server (`php -S`) and a script printing
/// `count($_POST)`; the test compares with the same server when it can (``phpReads``).
@Suite struct PHPBodyReadingTests {
    static let status = "/app/status/index.php"

    @Test func phpCurlWithATextPlainBodyIsRefusedAsTheRealScriptWouldWhileFormsPass() async throws {
        try await withFakePBX { server in
            let url = server.httpURL(Self.status)
            let outcomes = try await PHPClient.send([
                PHPClient.Call(url: url, encoding: .textPlain),
                PHPClient.Call(url: url, encoding: .urlencoded),
                PHPClient.Call(url: url, encoding: .multipart),
            ])
            #expect(outcomes.map(\.status) == [401, 200, 200], "\(outcomes.map(\.body))")
            #expect(outcomes[0].body.contains("Missing credentials"))
            let journal = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/journal?limit=3")
            let entries = try #require(try journal.json()["requests"] as? [[String: Any]])
            let refused = try #require(entries.first { $0["status"] as? Int == 401 })
            #expect((refused["applied"] as? [String])?.contains("php:body-not-read") == true)
            #expect((refused["detail"] as? String)?.contains("'text/plain'") == true)
        }
    }

    @Test(arguments: ["text/plain", "application/xml", "application/octet-stream", "application/json", nil] as [String?])
    func aBodyOfAnotherContentTypeGivesNoFields(contentType: String?) async throws {
        try await withFakePBX { server in
            let body =
                contentType == "application/json"
                ? #"{"username":"admin","password":"your-password"}"# : "username=admin&password=your-password"
            let answer = try await RawHTTPClient.request(port: server.port, path: Self.status, body: body, contentType: contentType)
            #expect(answer.status == 401, "\(contentType ?? "no Content-Type"): \(answer.text)")
        }
    }

    @Test func jsonBodiesAreReadOnlyWhenAskedFor() async throws {
        try await withFakePBX({ $0.jsonBodies = true }) { server in
            let answer = try await RawHTTPClient.request(
                port: server.port, path: Self.status, body: #"{"username":"admin","password":"your-password"}"#, contentType: "application/json")
            #expect(answer.status == 200, "\(answer.text)")
        }
    }

    @Test func verifyClientReportsABodyPHPWouldNotRead() async throws {
        try await withFakePBX({ $0.verifyClient = .report }) { server in
            _ = try await RawHTTPClient.request(
                port: server.port, path: Self.status, body: "username=admin&password=your-password", contentType: "text/plain")
            let list = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/violations")
            #expect(list.text.contains("content-type"), "\(list.text)")
            #expect(list.text.contains("PHP fills $_POST only from"), "\(list.text)")
        }
    }

    /// A 2,000-field form: PHP reads the first 1,000 of a multipart body and of a query string, and
    /// 1,001 of an urlencoded body. `limit` is the first field the script would miss.
    @Test func maxInputVarsKeepsWhatPHPReads() async throws {
        try await withFakePBX { server in
            // `extension` is required by nothing on status: the answer is the same; the journal tells what was read.
            var fields: [(String, String)] = [("username", "admin"), ("password", "your-password")]
            for index in 0..<1998 { fields.append(("f\(index)", "v")) }
            let body = fields.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
            let answer = try await RawHTTPClient.request(port: server.port, path: Self.status, body: body)
            #expect(answer.status == 200, "\(answer.text)")
            let journal = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/journal?limit=1")
            let entry = try #require((try journal.json()["requests"] as? [[String: Any]])?.last)
            let read = try #require(entry["fields"] as? [String: String])
            // 1,001 read, two of them the credentials, which the journal leaves out.
            #expect(read.count == 999)
            #expect(read["f998"] == "v" && read["f999"] == nil)
            #expect((entry["applied"] as? [String])?.contains("php:max_input_vars") == true)

            // Credentials past the limit are not read: the script sees none.
            let late = (0..<1001).map { "f\($0)=v" } + ["username=admin", "password=your-password"]
            let refused = try await RawHTTPClient.request(port: server.port, path: Self.status, body: late.joined(separator: "&"))
            #expect(refused.status == 401, "\(refused.text)")
            let query = (0..<1000).map { "q\($0)=v" }.joined(separator: "&")
            let viaQuery = try await RawHTTPClient.request(
                port: server.port, path: "\(Self.status)?\(query)&username=admin&password=your-password", body: "")
            #expect(viaQuery.status == 401, "\(viaQuery.text)")
        }
    }
}

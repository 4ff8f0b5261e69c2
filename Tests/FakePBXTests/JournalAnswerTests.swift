import FakePBX
import Foundation
import TestSupport
import Testing

/// The answer each journal entry keeps: what the client was really sent, redacted when read.
@Suite("Journal answers")
struct JournalAnswerTests {
    func entry(_ server: TestServer, _ sequence: Int) async throws -> [String: Any] {
        let answer = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/journal/\(sequence)")
        #expect(answer.status == 200, "\(answer.text)")
        return try answer.json()
    }

    @Test(
        "GET /__fakepbx/journal/N has the answer as sent: status, headers, body; a fault's body, a cut body and secrets as the client saw them, redacted"
    )
    func answersAsSent() async throws {
        try await withFakePBX { (server: TestServer) async throws in
            let status = try await server.post("/app/status/index.php")
            let first = try await entry(server, 1)
            let answer = try #require(first["answer"] as? [String: Any])
            #expect(first["operation"] as? String == "status")
            #expect(answer["status"] as? Int == 200)
            #expect((answer["headers"] as? [String: String])?["content-type"]?.hasPrefix("application/json") == true, "\(answer)")
            #expect(answer["whole"] as? Bool == true && answer["body_is_json"] as? Bool == true)
            let sent = try JSONSerialization.jsonObject(with: Data(status.body)) as? NSDictionary
            #expect((answer["body"] as? NSDictionary) == sent, "the journal's body is the one the client got")

            try await FaultsTests.addFault(
                server,
                #"{"id": "leak", "type": "status", "status": 503, "body": "{\"password\": \"hunter2-secret\", \"note\": \"Authorization: Bearer abcdefghijklmnop123456\"}", "when": {"nth": 1}}"#
            )
            let faulted = try await server.post("/app/status/index.php")
            #expect(faulted.status == 503 && faulted.text.contains("hunter2-secret"), "the client gets the fault's body as it is")
            let second = try #require(try await entry(server, 2)["answer"] as? [String: Any])
            #expect(second["status"] as? Int == 503)
            #expect((second["headers"] as? [String: String])?["x-fakepbx-fault"] == "leak")
            let body = try #require(second["body"] as? [String: String])
            #expect(body["password"] == "[redacted]")
            #expect(body["note"]?.contains("abcdefghijklmnop123456") == false, "\(body)")

            try await FaultsTests.addFault(server, #"{"id": "cut", "type": "truncate", "bytes": 10, "when": {"nth": 1}}"#)
            _ = try? await server.post("/app/status/index.php")
            let third = try #require(try await entry(server, 3)["answer"] as? [String: Any])
            #expect((third["body"] as? String)?.utf8.count == 10, "the ten bytes sent, as text: \(third)")
            #expect(third["body_is_json"] as? Bool == false)

            try await FaultsTests.addFault(server, #"{"id": "gone", "type": "reset", "when": {"nth": 1}}"#)
            _ = try? await server.post("/app/status/index.php")
            let fourth = try await entry(server, 4)
            #expect(fourth["status"] as? Int == 0 && fourth["answer"] is NSNull, "a cut connection sent no answer: \(fourth)")

            let missing = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/journal/999")
            #expect(missing.status == 404 && missing.text.contains("the journal keeps the last 500"), "\(missing.text)")
            #expect(try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/journal/count").json()["count"] as? Int == 4)
        }
    }

    @Test("a body over 16 KiB keeps its first 16 KiB and says it is not whole; the journal's HAR has the answers' text")
    func largeBodiesAndHAR() async throws {
        try await withFakePBX { (server: TestServer) async throws in
            let export = try await server.post(
                "/app/xml_cdr/export_cdr.php", ["date_start": "2026-11-01", "date_end": "2026-11-23", "format": "JSON"])
            try #require(
                export.status == 200 && export.body.count > 16_384, "the export must be over 16 KiB for this test: \(export.body.count) bytes")
            let answer = try #require(try await entry(server, 1)["answer"] as? [String: Any])
            #expect(answer["whole"] as? Bool == false)
            #expect((answer["body"] as? String)?.utf8.count == 16_384)
            #expect((answer["body"] as? String).map { Array($0.utf8) == Array(export.body.prefix(16_384)) } == true)

            _ = try await server.post("/app/status/index.php")
            let har = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/journal?format=har").json()
            let entries = (har["log"] as? [String: Any])?["entries"] as? [[String: Any]] ?? []
            let content = (entries.last?["response"] as? [String: Any])?["content"] as? [String: Any]
            #expect((content?["text"] as? String)?.contains("\"status\":\"success\"") == true, "\(content ?? [:])")
            #expect((content?["mimeType"] as? String)?.hasPrefix("application/json") == true)
        }
    }
}

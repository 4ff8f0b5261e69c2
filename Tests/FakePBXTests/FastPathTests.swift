import FakePBX
import Foundation
import TestSupport
import Testing

/// Ordinary requests are answered on the event loop (the fast path), the rest by Hummingbird; a
/// client sees no difference, and answers on one connection keep their order.
@Suite("Fast path")
struct FastPathTests {
    static let status = "/app/status/index.php"

    static func request(_ method: String, _ path: String, body: String = "", close: Bool = false) -> String {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if !body.isEmpty { text += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n" }
        if close { text += "Connection: close\r\n" }
        return text + "\r\n" + body
    }

    static let credentials = "username=admin&password=your-password"

    /// The answers in a raw byte stream, in order: (status, headers, body).
    static func answers(_ raw: [UInt8]) -> [(Int, [String: String], String)] {
        var text = Substring(String(decoding: raw, as: UTF8.self))
        var answers: [(Int, [String: String], String)] = []
        while let headEnd = text.range(of: "\r\n\r\n") {
            let lines = text[..<headEnd.lowerBound].split(separator: "\r\n")
            let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let length = Int(headers["content-length"] ?? "0") ?? 0
            let bodyStart = headEnd.upperBound
            let bodyEnd = text.utf8.index(bodyStart, offsetBy: length, limitedBy: text.endIndex) ?? text.endIndex
            answers.append((status, headers, String(text[bodyStart..<bodyEnd])))
            text = text[bodyEnd...]
        }
        return answers
    }

    @Test func pipelinedAnswersKeepTheirOrderAcrossBothPaths() async throws {
        try await withFakePBX { (server: TestServer) async throws in
            // Fast, usual (the control API), fast again while the usual one may still be in flight,
            // then fast with Connection: close.
            let raw =
                Self.request("POST", Self.status, body: Self.credentials)
                + Self.request("GET", "/__fakepbx/health")
                + Self.request(
                    "POST", "/app/registrations/check_registration.php", body: Self.credentials + "&domain_name=yourdomain.com&extension=1001")
                + Self.request("POST", Self.status, body: "username=admin&password=wrong", close: true)
            let bytes = try await RawHTTPClient.exchange(port: server.port, bytes: Array(raw.utf8))
            let answers = Self.answers(bytes)
            #expect(answers.map(\.0) == [200, 200, 200, 401], "\(answers.map(\.0))")
            #expect(answers[0].2.contains("\"System operational\""))
            #expect(answers[1].2.contains("\"status\""), "the control API's answer, second")
            #expect(answers[2].2.contains("\"register_ip\":\"192.168.1.100\""))
            #expect(answers[3].2.contains("Authentication Failed"))
            for answer in answers {
                #expect(answer.1["date"]?.hasSuffix(" GMT") == true, "a Date header on every answer")
                #expect(answer.1["content-type"]?.hasPrefix("application/json") == true)
            }
            #expect(answers[0].1["x-ratelimit-limit"] == "100")
            // The connection was closed after the last answer (the exchange returned at end of stream).
        }
    }

    @Test func theSameAnswerWhicheverPathAnswers() async throws {
        try await withFakePBX { (server: TestServer) async throws in
            let fast = try await server.post(Self.status)
            // Any fault sends requests the usual way; this one never fires.
            let added = try await RawHTTPClient.request(
                port: server.port, method: "POST", path: "/__fakepbx/faults",
                body: #"{"id": "never", "type": "status", "status": 503, "match": {"path": "/nowhere"}}"#, contentType: "application/json"
            )
            #expect(added.status == 201 || added.status == 200, "\(added.text)")
            let usual = try await server.post(Self.status)
            #expect(fast.status == usual.status)
            #expect(Set(fast.headers.map { $0.0.lowercased() }) == Set(usual.headers.map { $0.0.lowercased() }))
            #expect(try fast.json()["total_extensions"] as? Int == (try usual.json()["total_extensions"] as? Int))
            #expect(fast.header("X-RateLimit-Remaining") == "99" && usual.header("X-RateLimit-Remaining") == "98", "both counted")
            let journal = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/journal?limit=2")
            let entries = try journal.json()["requests"] as? [[String: Any]] ?? []
            #expect(entries.count == 2 && entries.allSatisfy { $0["path"] as? String == Self.status }, "both journalled")
            // The journal names the entry point, so the fast path cannot vanish unnoticed.
            #expect(Set(entries.compactMap { $0["answered_by"] as? String }) == ["event-loop", "hummingbird"], "\(entries)")
        }
    }

    @Test func headIsAnsweredOnTheEventLoopWithTheHeadersOfGET() async throws {
        try await withFakePBX { (server: TestServer) async throws in
            let get = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/app/xml_cdr/chkcon.php")
            let head = try await RawHTTPClient.request(port: server.port, method: "HEAD", path: "/app/xml_cdr/chkcon.php")
            #expect(head.status == get.status && !get.body.isEmpty, "\(get.text)")
            #expect(head.body.isEmpty)
            #expect(head.header("Content-Length") == String(get.body.count))
            let journal = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/journal?method=HEAD")
            let entries = try journal.json()["requests"] as? [[String: Any]] ?? []
            #expect(
                entries.count == 1 && entries.first?["answered_by"] as? String == "event-loop" && entries.first?["bytes"] as? Int == 0, "\(entries)")
        }
    }
}

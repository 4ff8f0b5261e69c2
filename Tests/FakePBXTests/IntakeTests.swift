import FakePBX
import Foundation
import Hummingbird
import NIOPosix
import TestSupport
import Testing

/// What a client sends cannot be turned against the server: a request refused whatever its body
/// says is answered from its head (no `100 Continue`, the body never kept), and a body is read and
/// parsed in time linear in its size.
@Suite("Intake")
struct IntakeTests {
    static let status = "/app/status/index.php"
    /// These tests' servers read tens of megabytes on purpose, on event loops of their own: on NIO's
    /// shared ones, the other tests' servers would wait for them.
    static let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    static var eventLoops: EventLoopGroupProvider { .shared(eventLoopGroup) }
    /// 40,000 `a[]=v` pairs: PHP's array syntax, which the form parser once handled in quadratic time.
    /// The credentials first: PHP reads the first 1,001 variables of an urlencoded body (max_input_vars).
    static let pairs = "username=admin&password=your-password&" + Array(repeating: "a%5B%5D=v", count: 40_000).joined(separator: "&")

    static func head(length: Int, expect: Bool) -> String {
        var head = "POST \(status) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: \(length)\r\n"
        if expect { head += "Expect: 100-continue\r\n" }
        return head + "\r\n"
    }

    /// Sends only the head, reads the answer, then (for `body`) sends the body anyway and reads to the end.
    static func refusedFromTheHead(port: Int, from source: String, length: Int, expect: Bool, thenSend body: [RawConnection.Step] = []) async throws {
        let steps = try await RawConnection.run(
            port: port, from: source, [.send(head(length: length, expect: expect)), .response] + body + [.eof(60)])
        let answer = try #require(steps.first { $0.status != nil }, "\(steps.compactMap(\.error))")
        #expect(answer.status == 403, "the final answer first, no 100 Continue: \(answer.statusLine ?? "")")
        #expect(answer.header("Connection") == "close", "the body announced is not read: the connection ends after the answer")
        #expect(steps.last?.eof == true, "\(steps.compactMap(\.error))")
    }

    @Test("a client off the whitelist gets its 403 from the head, for 40,000 pairs or 79 MB, while a whitelisted one is answered")
    func offTheWhitelist() async throws {
        try await withFakePBX(eventLoops: Self.eventLoops) { server in
            for expect in [false, true] {
                try await Self.refusedFromTheHead(port: server.port, from: "127.0.0.2", length: Self.pairs.utf8.count, expect: expect)
                try await Self.refusedFromTheHead(port: server.port, from: "127.0.0.2", length: 79 << 20, expect: expect)
            }
            // A client that sends its 79 MB anyway, while a whitelisted client goes on being answered.
            async let upload: Void = Self.refusedFromTheHead(
                port: server.port, from: "127.0.0.2", length: 79 << 20, expect: false, thenSend: [.sendZeros(79 << 20)]
            )
            for _ in 0..<20 { #expect(try await server.post(Self.status).status == 200) }
            try await upload
            let journal = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/journal?client=127.0.0.2").json()
            let entries = journal["requests"] as? [[String: Any]] ?? []
            #expect(entries.count == 5 && entries.allSatisfy { $0["status"] as? Int == 403 }, "each refusal journalled once: \(entries.count)")
        }
    }

    @Test("a banned client (--ban-action 403) gets no 100 Continue either")
    func bannedWithForbidden() async throws {
        try await withTemporaryDirectory { folder in
            let whitelist = folder.appendingPathComponent("whitelist.conf")
            try "127.0.0.0/8\n".write(to: whitelist, atomically: true, encoding: .utf8)
            try await withFakePBX(
                {
                    $0.whitelistFile = whitelist.path
                    $0.banAction = .forbidden
                }, eventLoops: Self.eventLoops
            ) { server in
                let ban = try await RawHTTPClient.request(
                    port: server.port, path: "/__fakepbx/bans", body: #"{"address": "127.0.0.3", "jail": "fusionpbx", "seconds": 600}"#,
                    contentType: "application/json"
                )
                #expect(ban.status == 200, "\(ban.text)")
                try await Self.refusedFromTheHead(port: server.port, from: "127.0.0.3", length: 79 << 20, expect: true)
                let steps = try await RawConnection.run(
                    port: server.port, from: "127.0.0.4", [.send(Self.head(length: 12, expect: true)), .response])
                #expect(steps.last?.status == 100, "a client that may send its body is invited to")
            }
        }
    }

    @Test("a whitelisted client's 40,000-pair body is parsed and answered")
    func manyPairsWhitelisted() async throws {
        try await withFakePBX(eventLoops: Self.eventLoops) { server in
            let answer = try await RawHTTPClient.request(port: server.port, path: Self.status, body: Self.pairs, timeout: 60)
            #expect(answer.status == 200, "\(answer.text.prefix(200))")
            let journal = try await server.control("GET", "journal?limit=1")
            #expect(journal.text.contains("php:max_input_vars"), "\(journal.text.prefix(400))")
        }
    }

    @Test("a control body over its limit gets a 413 that says so")
    func controlBodyTooLarge() async throws {
        try await withFakePBX(eventLoops: Self.eventLoops) { server in
            let body = "{\"address\": \"" + String(repeating: "1", count: 2 << 20) + "\"}"
            let answer = try await RawHTTPClient.request(
                port: server.port, path: "/__fakepbx/whitelist", body: body, contentType: "application/json", timeout: 60)
            #expect(answer.status == 413)
            #expect(answer.text.contains("over the control API's limit"), "\(answer.text.prefix(300))")
        }
    }

    @Test("a status fault of 204 or 304 is sent without a body, and a 1xx one is refused")
    func bodilessStatusFaults() async throws {
        try await withFakePBX(eventLoops: Self.eventLoops) { server in
            for code in [204, 304] {
                let fault = try await RawHTTPClient.request(
                    port: server.port, path: "/__fakepbx/faults",
                    body: #"{"type": "status", "status": \#(code), "match": {"endpoint": "index"}, "when": {"nth": 1}}"#,
                    contentType: "application/json"
                )
                #expect(fault.status == 200, "\(fault.text)")
                // Two requests on one connection: the second is read as its own answer only if the first had no body.
                let credentials = "username=admin&password=your-password"
                let request =
                    "POST \(Self.status) HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: \(credentials.utf8.count)\r\n\r\n\(credentials)"
                let steps = try await RawConnection.run(port: server.port, [.send(request + request), .response, .response])
                #expect(steps.filter { $0.status != nil }.map(\.status) == [code, 200], "\(steps)")
            }
            let interim = try await RawHTTPClient.request(
                port: server.port, path: "/__fakepbx/faults", body: #"{"type": "status", "status": 101}"#, contentType: "application/json"
            )
            #expect(interim.status == 400)
            #expect(interim.text.contains("final status"), "\(interim.text)")
        }
    }
}

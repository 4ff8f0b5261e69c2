import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

@testable import FakePBX

/// The journal as CI asserts on it: what was really sent, filters, counts and verification.
@Suite("Journal and verify")
struct JournalTests {
    func control(_ port: Int, _ method: String, _ path: String, _ body: String = "") async throws -> HTTPResult {
        try await RawHTTPClient.request(port: port, method: method, path: "/__fakepbx/\(path)", body: body, contentType: "application/json")
    }

    @Test("entries carry sequence, operation, fields (secrets redacted), bytes and duration; filters and counts; bad filters are 400")
    func entriesAndFilters() async throws {
        try await withFakePBX { (server: TestServer) async throws in
            _ = try await server.post("/app/status/index.php")
            _ = try await server.post(
                "/app/extensions/manage_extension.php",
                [
                    "action": "create", "extension": "2501", "domain_name": "yourdomain.com", "extension_password": "Sip-Secret-2501",
                ])
            _ = try await server.post("/app/status/index.php", ["password": "wrong", "note": "call back, token=planted-in-a-note"])
            let all = try await control(server.port, "GET", "journal").json()["requests"] as? [[String: Any]] ?? []
            #expect(all.map { $0["sequence"] as? Int } == [1, 2, 3])
            let created = all[1]
            #expect(created["operation"] as? String == "manage_extension.create")
            #expect(created["action"] as? String == "create")
            let fields = created["fields"] as? [String: String]
            #expect(fields?["extension"] == "2501")
            #expect(fields?["extension_password"] == "[redacted]", "\(fields ?? [:])")
            #expect(fields?["password"] == nil, "credentials are not request fields")
            #expect((created["bytes"] as? Int ?? 0) > 0)
            #expect(created["duration_ms"] is Double)
            #expect(all[0]["operation"] as? String == "status")
            #expect((all[2]["fields"] as? [String: String])?["note"] == "call back, token=[redacted]", "a credential-shaped value is masked too")

            let failed = try await control(server.port, "GET", "journal?status=401").json()["requests"] as? [[String: Any]]
            #expect(failed?.count == 1 && failed?.first?["sequence"] as? Int == 3)
            #expect(try await control(server.port, "GET", "journal/count?endpoint=status").json()["count"] as? Int == 2)
            #expect(try await control(server.port, "GET", "journal/count?endpoint=manage_extension.create&since=1").json()["count"] as? Int == 1)
            #expect(try await control(server.port, "GET", "journal/count?client=127.0.0.0/8&method=POST").json()["count"] as? Int == 3)
            for bad in ["status=abc", "since=yesterday", "client=300.1.1.1", "endpoint=statuss", "colour=blue", "limit=abc"] {
                let answer = try await control(server.port, "GET", "journal?\(bad)")
                #expect(answer.status == 400, "\(bad): \(answer.text)")
            }
        }
    }

    @Test("verify: 200 when the expectations hold; 409 with what differed and the nearest entries when not")
    func verify() async throws {
        try await withFakePBX { (server: TestServer) async throws in
            for _ in 1...3 { _ = try await server.post("/app/xml_cdr/export_cdr.php", ["date_start": "2026-11-20", "date_end": "2026-11-20"]) }
            let holds = try await control(
                server.port, "POST", "verify",
                #"[{"endpoint": "export_cdr", "count": 3}, {"endpoint": "status", "never": true}, {"endpoint": "export_cdr", "status": 200, "min": 1}]"#
            )
            #expect(holds.status == 200, "\(holds.text)")
            #expect(try holds.json()["verified"] as? Bool == true)
            let differs = try await control(server.port, "POST", "verify", #"{"endpoint": "export_cdr", "status": 429, "min": 1}"#)
            #expect(differs.status == 409)
            let result = (try differs.json()["expectations"] as? [[String: Any]])?.first
            #expect(result?["message"] as? String == "expected at least 1 matching requests, found 0")
            #expect((result?["nearest"] as? [[String: Any]])?.count == 3, "the three exports, answered 200, are the nearest")
            #expect(try await control(server.port, "POST", "verify", #"{"endpoint": "export_cdr", "count": -1}"#).status == 400)
            #expect(try await control(server.port, "POST", "verify", #"{"endpoint": "export_cdr", "never": "yes"}"#).status == 400)
            #expect(try await control(server.port, "DELETE", "journal").status == 200)
            #expect(try await control(server.port, "POST", "verify", #"{"endpoint": "export_cdr", "never": true}"#).status == 200)
        }
    }

    @Test("after 10,000 requests, count and verify count all 10,000 and a delete long gone from the ring, not the last 500")
    func beyondTheRing() async throws {
        try await withFakePBX({
            $0.rateLimits = [:]
            $0.jails = [:]
        }) { (server: TestServer) async throws in
            _ = try await server.post(
                "/app/extensions/manage_extension.php", ["action": "delete", "extension": "9999", "domain_name": "yourdomain.com"])
            // 10,000 status requests from 8 keep-alive connections.
            let url = server.httpURL("/app/status/index.php")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        for _ in 0..<1250 {
                            var request = HTTPClientRequest(url: url)
                            request.method = .POST
                            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                            request.body = .bytes(ByteBuffer(string: "username=admin&password=your-password"))
                            let answer = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                            _ = try await answer.body.collect(upTo: 1 << 20)
                            guard answer.status == .ok else { throw RawHTTPClient.Failure("status \(answer.status)") }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let count = try await control(server.port, "GET", "journal/count?endpoint=status").json()
            #expect(count["count"] as? Int == 10_000 && count["complete"] as? Bool == true, "\(count)")
            #expect(try await control(server.port, "GET", "journal/count").json()["count"] as? Int == 10_001)
            #expect(try await control(server.port, "POST", "verify", #"{"endpoint": "status", "count": 10000}"#).status == 200)
            // The delete is long gone from the 500 entries the journal shows, and still counted.
            let never = try await control(server.port, "POST", "verify", #"{"endpoint": "manage_extension.delete", "never": true}"#)
            #expect(never.status == 409, "\(never.text)")
            #expect(never.text.contains("expected exactly 0 matching requests, found 1"), "\(never.text)")
            #expect(try await control(server.port, "DELETE", "journal").status == 200)
            #expect(try await control(server.port, "POST", "verify", #"{"endpoint": "manage_extension.delete", "never": true}"#).status == 200)
        }
    }

    @Test("past what it tallies, a count says it is incomplete and verify cannot pass what it cannot see")
    func beyondTheTally() async throws {
        let journal = RequestJournal()
        let entry = RequestJournal.Entry(
            time: 0, client: IPAddress("127.0.0.1")!, method: "POST", path: "/app/status/index.php", status: 200, applied: [])
        for _ in 0...RequestJournal.tallyCapacity { journal.record(entry) }
        let (tallies, untallied) = journal.tallied()
        #expect(tallies.count == RequestJournal.tallyCapacity && untallied == 1)
        #expect(RequestJournal.untalliedNote(untallied).contains("DELETE /__fakepbx/journal"))
        journal.clear()
        #expect(journal.tallied().tallies.isEmpty && journal.tallied().untallied == 0)
    }

    @Test("fields of 64 KiB, secrets among them, read back whole from the journal, one entry and the event stream")
    func largeFields() async throws {
        try await withFakePBX({
            $0.rateLimits = [:]
            $0.jails = [:]
        }) { (server: TestServer) async throws in
            let large = String(repeating: "a1b2c3d4 ", count: (64 << 10) / 9)
            let secret = "token=" + String(repeating: "s", count: 40)
            for _ in 0..<20 { _ = try await server.post("/app/status/index.php", ["note": large, "memo": large + secret]) }
            let journal = try await control(server.port, "GET", "journal")
            let requests = try #require(try journal.json()["requests"] as? [[String: Any]])
            #expect(requests.count == 20)
            let fields = requests.last?["fields"] as? [String: String]
            #expect(fields?["note"] == large)
            #expect(fields?["memo"] == large + "token=[redacted]", "a credential-shaped part is redacted at the end of 64 KiB")
            let sequence = try #require(requests.last?["sequence"] as? Int)
            #expect(try await control(server.port, "GET", "journal/\(sequence)").json()["fields"] as? [String: String] == fields)
            // The stream, resumed from the start: every entry, as the journal shows it.
            let script = """
                import socket, sys
                s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=60)
                s.sendall(b"GET /__fakepbx/events HTTP/1.1\\r\\nHost: x\\r\\nLast-Event-ID: 0\\r\\n\\r\\n")
                data = b""
                while data.count(b"\\nevent: request\\n") < 20:
                    chunk = s.recv(1 << 20)
                    if not chunk: break
                    data += chunk
                print(data.count(b"\\nevent: request\\n"), data.count(b"token=[redacted]"), b"token=sss" in data)
                """
            let stream = try await runProcess(try python3(), ["-c", script, String(server.port)])
            #expect(stream.stdout == "20 20 False\n", "\(stream.stdout)\(stream.stderr)")
        }
    }

    @Test("connection-level events: a refused banned connection, bans starting, lifted and ending, clock changes")
    func events() async throws {
        try await withFakePBX({ $0.adminPort = 0 }) { (server: TestServer) async throws in
            let admin = try #require(server.adminPort)
            _ = try await control(admin, "POST", "bans", #"{"address": "127.0.0.1", "seconds": 60}"#)
            await #expect(throws: RawHTTPClient.Failure.self) { try await server.post("/app/status/index.php") }
            _ = try await control(admin, "DELETE", "bans/127.0.0.1")
            _ = try await control(admin, "POST", "bans", #"{"address": "127.0.0.1", "seconds": 10}"#)
            _ = try await control(admin, "POST", "clock/advance", #"{"seconds": 30}"#)
            #expect(try await server.post("/app/status/index.php").status == 200, "the ban has expired")
            let events = (try await control(admin, "GET", "journal").json()["requests"] as? [[String: Any]] ?? []).compactMap {
                $0["event"] as? String
            }
            #expect(events == ["ban-started", "connection-refused", "ban-lifted", "ban-started", "clock", "ban-ended"], "\(events)")
        }
    }
}

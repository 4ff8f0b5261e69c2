import FakePBX
import Foundation
import Synchronization
import TestSupport
import Testing

/// Numbers and YAML that used to stop the server: each is refused with a 400 that names the field
/// and the range, and the server goes on answering with its state intact.
@Suite("Hostile input")
struct HostileInputTests {
    static let hostile = ["1e300", "-1e20", "-1", "1e400", "\"nan\"", "\"inf\"", "\"-inf\"", "\"abc\""]

    func control(_ server: TestServer, _ method: String, _ path: String, _ body: String = "") async throws -> HTTPResult {
        try await RawHTTPClient.request(port: server.port, method: method, path: "/__fakepbx/\(path)", body: body, contentType: "application/json")
    }

    @Test("hostile numbers on every control route that takes one: 400 naming the range, the server unharmed")
    func hostileNumbers() async throws {
        try await withFakePBX { server in
            let clockBefore = try await control(server, "GET", "clock").json()["now"] as? String
            for value in Self.hostile {
                let cases: [(String, String, String, String)] = [
                    ("POST", "clock/advance", #"{"seconds": \#(value)}"#, "seconds"),
                    ("POST", "clock/set", #"{"epoch": \#(value)}"#, "epoch"),
                    ("POST", "bans", #"{"address": "203.0.113.9", "seconds": \#(value)}"#, "seconds"),
                ]
                for (method, path, body, field) in cases {
                    let answer = try await control(server, method, path, body)
                    #expect(answer.status == 400, "\(path) with \(value): \(answer.status) \(answer.text)")
                    #expect(answer.text.contains("\(field) '") && answer.text.contains("expected a number of"), "\(path): \(answer.text)")
                }
                let query = value.replacingOccurrences(of: "\"", with: "")
                let journal = try await control(server, "GET", "journal?limit=\(query)")
                #expect(journal.status == 400, "journal?limit=\(query): \(journal.text)")
                let fault = try await control(server, "POST", "faults", #"{"type": "reset", "when": {"after": \#(value)}}"#)
                #expect(fault.status == 400, "a fault window of \(value): \(fault.text)")
            }
            #expect(try await control(server, "GET", "health").status == 200)
            #expect(try await control(server, "GET", "clock").json()["now"] as? String == clockBefore, "the clock did not move")
            #expect((try await control(server, "GET", "bans").json()["bans"] as? [Any])?.isEmpty == true, "no ban was made")
            #expect(try await server.post("/app/status/index.php").status == 200)
        }
    }

    @Test("a scenario with a huge number or an alias bomb is refused at once, with its place in the file")
    func hostileScenarios() async throws {
        try await withFakePBX { server in
            let huge = try await control(server, "POST", "scenario", "timeline:\n  - at: 5\n    advance_clock: 1e300\n")
            #expect(huge.status == 400)
            #expect(huge.text.contains("3:20") && huge.text.contains("expected a number of seconds from 0 to 315360000"), "\(huge.text)")

            var bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
            for (name, previous) in zip(["b", "c", "d", "e", "f", "g", "h"], ["a", "b", "c", "d", "e", "f", "g"]) {
                bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
            }
            let refused = try await control(server, "POST", "scenario", bomb)
            #expect(refused.status == 400)
            #expect(refused.text.contains("expands to more than 100000 values"), "\(refused.text)")
            let deep = try await control(
                server, "POST", "scenario", "timeline: " + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "\n")
            #expect(deep.status == 400)
            #expect(deep.text.contains("nested more than 64 deep"), "\(deep.text)")
            #expect(try await control(server, "GET", "health").status == 200)
        }
    }
}

extension HostileInputTests {
    /// A bomb of 9^12 values (280 billion) is refused once 100,000 are counted; expanding it, as the
    /// reading once did before counting, would never end. Read on a thread of its own with a hang
    /// bound, so that the check holds on a busy machine (a wall-clock bound on an HTTP request
    /// measured the test's own wait for Swift's cooperative pool, over 10 s in a full suite).
    @Test("an alias bomb is refused once its values are counted, never expanded")
    func aliasBombIsCountedNotExpanded() throws {
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
        let names = (0..<12).map { "n\($0)" }
        for (name, previous) in zip(names, ["a"] + names.dropLast()) {
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
        }
        let outcome = Mutex<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread { [bomb] in
            let message: String
            do {
                _ = try Scenario(text: bomb, file: "bomb.yaml")
                message = "accepted"
            } catch {
                message = "\(error)"
            }
            outcome.withLock { $0 = message }
            done.signal()
        }.start()
        try #require(done.wait(timeout: .now() + 60) == .success, "an alias bomb was not refused within 60 s: it is being expanded")
        #expect(outcome.withLock { $0 }?.contains("expands to more than 100000 values") == true, "\(outcome.withLock { $0 } ?? "")")
    }

    @Test("a connection that trickles its request head is closed after --header-timeout; a normal keep-alive client is unaffected")
    func slowHeadersAreCut() async throws {
        try await withFakePBX({ $0.headerTimeout = 0.5 }) { (server: TestServer) async throws in
            // Half a request head, never finished: the server closes the connection (recv sees the end).
            let raw = try await RawHTTPClient.exchange(
                port: server.port, bytes: Array("POST /app/status/index.php HTTP/1.1\r\nHost: x\r\nX-Slow: ".utf8), timeout: 60
            )
            #expect(raw.isEmpty, "closed without an answer")
            #expect(try await server.post("/app/status/index.php").status == 200)
        }
    }
}

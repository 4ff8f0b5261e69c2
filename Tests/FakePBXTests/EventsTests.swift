import FakePBX
import Foundation
import TestSupport
import Testing

/// `GET /__fakepbx/events`: the journal, live, as Server-Sent Events, followed with `curl -N`.
@Suite("Journal events")
struct EventsTests {
    /// `curl -N` following `path` on `server`, left running.
    static func follow(_ server: TestServer, _ path: String, headers: [String] = []) async throws -> BackgroundProcess {
        try await BackgroundProcess(
            try curlExecutable(), ["-sS", "-N"] + headers.flatMap { ["-H", $0] } + ["http://127.0.0.1:\(server.port)\(path)"])
    }

    /// The stream's events (blocks with an `id:`), in order.
    static func events(_ text: String) -> [String] {
        text.components(separatedBy: "\n\n").filter { $0.hasPrefix("id: ") }
    }

    @Test("curl -N follows the journal: each request and event as it happens, named by its kind, with its sequence as id")
    func eventsStreamLive() async throws {
        try await withFakePBX { (server: TestServer) async throws in
            let curl = try await Self.follow(server, "/__fakepbx/events")
            defer { curl.stop() }
            let opened = try await curl.wait(for: [": fakepbx journal events"])
            #expect(opened.hasPrefix("retry: 1000\n"), "\(opened)")
            // Sent once the stream is open: only a live feed can show them.
            #expect(try await server.post("/app/status/index.php").status == 200)
            let ban = try await RawHTTPClient.request(
                port: server.port, method: "POST", path: "/__fakepbx/bans", body: #"{"address": "203.0.113.9", "seconds": 60}"#,
                contentType: "application/json"
            )
            #expect(ban.status == 200, "\(ban.text)")
            let text = try await curl.wait(for: ["event: request", "event: ban-started"])
            let events = Self.events(text)
            #expect(events.count == 2, "\(text)")
            let request = try #require(events.first)
            #expect(request.hasPrefix("id: 1\nevent: request\ndata: {"), "\(request)")
            #expect(request.contains(#""path":"/app/status/index.php""#) && request.contains(#""status":200"#))
            #expect(events.last?.hasPrefix("id: 2\nevent: ban-started\ndata: {") == true, "\(text)")
            #expect(events.last?.contains("203.0.113.9") == true)
            #expect(curl.isRunning, "the server keeps the stream open")
        }
    }

    @Test("a quiet stream gets a comment line every heartbeat, and the requests that follow still come")
    func heartbeatKeepsAQuietStreamAlive() async throws {
        try await withFakePBX({ $0.eventHeartbeat = .milliseconds(300) }) { (server: TestServer) async throws in
            let curl = try await Self.follow(server, "/__fakepbx/events")
            defer { curl.stop() }
            _ = try await curl.wait(for: [": fakepbx journal events"])
            let beats = try await curl.wait(for: [": keep-alive\n\n: keep-alive\n\n"])
            #expect(beats.contains(": keep-alive\n\n: keep-alive\n\n"), "two heartbeats on a quiet stream: \(beats)")
            #expect(Self.events(beats).isEmpty, "a heartbeat is a comment, not an event: \(beats)")
            #expect(try await server.post("/app/status/index.php").status == 200)
            let text = try await curl.wait(for: ["event: request"])
            #expect(Self.events(text).count == 1, "\(text)")
        }
    }

    @Test("the journal's filters apply, Last-Event-ID sends what was missed, a bad filter is 400")
    func filtersAndResume() async throws {
        try await withFakePBX { (server: TestServer) async throws in
            #expect(try await server.post("/app/status/index.php").status == 200)
            #expect(try await server.post("/app/nowhere.php").status == 404)
            // An EventSource that saw entry 1 reconnects: entry 2 comes first, filtered like the journal.
            let resumed = try await Self.follow(server, "/__fakepbx/events?status=404", headers: ["Last-Event-ID: 1"])
            defer { resumed.stop() }
            let missed = try await resumed.wait(for: ["id: 2\n"])
            #expect(Self.events(missed).first?.hasPrefix("id: 2\nevent: request\ndata: {") == true, "\(missed)")
            // Filtered: a 200 after the resume does not show; a 404 does.
            #expect(try await server.post("/app/status/index.php").status == 200)
            #expect(try await server.post("/app/nowhere-else.php").status == 404)
            let live = try await resumed.wait(for: ["id: 4\n"])
            #expect(Self.events(live).map { $0.prefix(6) } == ["id: 2\n", "id: 4\n"], "\(live)")
            // An id this server never gave (a dashboard reconnecting after a restart): everything held comes.
            let restarted = try await Self.follow(server, "/__fakepbx/events", headers: ["Last-Event-ID: 99999"])
            defer { restarted.stop() }
            let all = try await restarted.wait(for: ["id: 1\n", "id: 4\n"])
            #expect(Self.events(all).count == 4, "\(all)")
            // A journal reset keeps counting: an open stream still shows what comes after it.
            #expect(try await RawHTTPClient.request(port: server.port, method: "DELETE", path: "/__fakepbx/journal").status == 200)
            #expect(try await server.post("/app/nowhere-at-all.php").status == 404)
            let afterReset = try await resumed.wait(for: ["id: 5\n"])
            #expect(Self.events(afterReset).last?.contains("nowhere-at-all") == true, "\(afterReset)")
            let bad = try await runCurl(["-sS", "-w", "%{http_code}", "http://127.0.0.1:\(server.port)/__fakepbx/events?colour=blue"])
            #expect(bad.stdout.hasSuffix("400") && bad.stdout.contains("colour"), "\(bad.stdout)")
        }
    }

    /// What it does to a whitelisted client's latency is measured by `scripts/bench/journal`, not here.
    @Test("with a dashboard following, 20 requests with 8 KiB fields from 127.0.0.2 are refused and shown; a whitelisted client is answered")
    func refusedBigFieldsBesideTheWhitelisted() async throws {
        try await withFakePBX({
            $0.rateLimits = [:]
            $0.jails = [:]
        }) { (server: TestServer) async throws in
            let dashboard = try await Self.follow(server, "/__fakepbx/events")
            defer { dashboard.stop() }
            _ = try await dashboard.wait(for: [": fakepbx journal events"])
            let field = String(repeating: "password=hunter2&note=", count: 8192 / 22 + 1).prefix(8192)
            // The flood (the issue: 20 such requests took 30.7 s to get through, and held everyone up).
            async let flood: [Int] = withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await server.post("/app/status/index.php", ["note": String(field)], from: "127.0.0.2").status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            for _ in 0..<20 { #expect(try await server.post("/app/status/index.php").status == 200) }
            #expect(try await flood == Array(repeating: 403, count: 20))
            // The dashboard's stream shows the refused requests, their secrets redacted.
            let shown = try await dashboard.wait(for: ["127.0.0.2", "whitelist-denied"], seconds: 60)
            #expect(shown.contains("127.0.0.2") && !shown.contains("hunter2"), "\(shown.prefix(400))")
        }
    }
}

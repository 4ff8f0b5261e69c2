import Foundation
import TestSupport
import Testing

@testable import FakePBX

/// HTTP's details on every route: HEAD wherever GET is, and one `Date` clock.
@Suite struct HTTPDetailsTests {
    @Test func headIsAnsweredOnEveryControlGETRouteWithTheGETAnswersHead() async throws {
        let paths = ControlAPI.table.filter { String(describing: $0.method) == "GET" && !$0.path.contains("ID") && !$0.path.contains("ADDRESS") }.map(
            \.path)
        #expect(paths.count > 15)
        try await withHTTPSFakePBX { server, _ in
            for path in paths {
                let head = try await server.control("HEAD", path)
                #expect(head.status == 200, "HEAD /__fakepbx/\(path): \(head.status)")
                #expect(head.body.isEmpty, "HEAD /__fakepbx/\(path) sent a body")
                if path == "events" { continue }  // a stream: no length
                let get = try await server.control("GET", path)
                if path == "" || path.hasPrefix("tls") || path == "state" {
                    #expect(head.header("content-length") == String(get.body.count), "HEAD /__fakepbx/\(path)")
                }
            }
            let refused = try await server.control("POST", "state")
            #expect(refused.status == 405 && refused.header("allow") == "GET, HEAD, PUT", "\(refused.header("allow") ?? "-")")
            let api = try await RawHTTPClient.request(
                port: server.port, method: "HEAD", path: "/app/xml_cdr/chkcon.php?username=admin&password=your-password")
            #expect(api.status == 200 && api.body.isEmpty, "\(api.status): \(api.text.prefix(200))")
        }
    }

    /// Answers from both entry points (the event loop's fast path and Hummingbird), over several
    /// connections: each `Date` is within the second the request was sent and answered in.
    @Test func everyDateIsFreshToTheSecondWhicheverPathAnswered() async throws {
        try await withFakePBX { server in
            var previous = 0
            for index in 0..<60 {
                let before = Int(Date().timeIntervalSince1970)
                let answer =
                    index % 2 == 0
                    ? try await server.post("/app/status/index.php")
                    : try await server.control("GET", "health")
                let after = Int(Date().timeIntervalSince1970)
                let text = try #require(answer.header("date"))
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.timeZone = TimeZone(identifier: "GMT")
                formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
                let date = Int(try #require(formatter.date(from: text), "\(text)").timeIntervalSince1970)
                #expect(before <= date && date <= after, "Date \(text) is not within the request's second(s) \(before)...\(after)")
                #expect(date >= previous, "Date went back: \(text)")
                previous = date
            }
        }
    }
}

import Foundation
import JSONSchema
import NIOCore
import NIOEmbedded
import NIOHTTP1
import TestSupport
import Testing

@testable import FakePBX

/// A connection's life as RFC 9112 §9 says, on both listeners and both entry points: HTTP/1.0 is
/// answered in 1.0 and never chunked, `Connection: close` is echoed and followed by the end of the
/// connection at once, pipelined answers keep their order, and idle time counts every answer.
@Suite("Connections")
struct ConnectionTests {
    static let status = "/app/status/index.php"
    static let credentials = "username=admin&password=your-password"

    static func post(_ path: String, version: String = "1.1", body: String = credentials, headers: [String] = []) -> RawConnection.Step {
        var text = "POST \(path) HTTP/\(version)\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        text += "Content-Length: \(body.utf8.count)\r\n"
        for header in headers { text += header + "\r\n" }
        return .send(text + "\r\n" + body)
    }

    /// Runs `body` against a server with HTTPS on, with the port and CA of the scheme asked for. Its
    /// HTTP port serves the API too (`--http-redirect off`): these tests are about connections.
    static func withServer(
        https: Bool, _ configure: @escaping (inout FakePBXConfiguration) -> Void = { _ in },
        _ body: (_ port: Int, _ ca: String?, _ server: TestServer) async throws -> Void
    ) async throws {
        try await withHTTPSFakePBX({ configuration in
            configuration.httpRedirect = false
            configure(&configuration)
        }) { server, ca in
            try await body(https ? try #require(server.httpsPort) : server.port, https ? ca : nil, server)
        }
    }

    @Test("HTTP/1.0 gets 1.0 answers, never chunked, and the connection ends after them", arguments: [false, true])
    func httpOneZero(https: Bool) async throws {
        try await Self.withServer(https: https, CDRStreamingTests.heavy) { port, ca, _ in
            // A streamed export (no length): delimited by the end of the connection.
            let export = "date_start=2026-11-19&date_end=2026-11-20&" + Self.credentials
            let streamed = try await RawConnection.run(
                port: port, tls: ca, [Self.post("/app/xml_cdr/export_cdr.php", version: "1.0", body: export), .response])
            let answer = try #require(streamed.last)
            #expect(answer.statusLine == "HTTP/1.0 200 OK", "\(answer.error ?? "")")
            #expect(answer.header("Transfer-Encoding") == nil)
            #expect(answer.header("Content-Length") == nil)
            #expect(answer.header("Connection") == "close")
            #expect((answer.body?.utf8.count ?? 0) > 1 << 20, "the whole export, read to the end of the connection")
            #expect(answer.body?.hasSuffix("}") == true)

            // A fast-path answer with a length: 1.0, and closed after it.
            let status = try await RawConnection.run(port: port, tls: ca, [Self.post(Self.status, version: "1.0"), .response, .eof(30)])
            #expect(status.first { $0.status != nil }?.statusLine == "HTTP/1.0 200 OK")
            #expect(status.first { $0.status != nil }?.header("Connection") == "close")
            #expect(status.last?.eof == true, "the server closes a 1.0 connection that did not ask to stay")

            // A 1.0 client asking for keep-alive gets it, and a second answer on the same connection.
            let kept = try await RawConnection.run(
                port: port, tls: ca,
                [
                    Self.post(Self.status, version: "1.0", headers: ["Connection: keep-alive"]), .response,
                    Self.post(Self.status, version: "1.0"), .response, .eof(30),
                ])
            let answers = kept.filter { $0.status != nil }
            #expect(answers.count == 2, "\(kept.compactMap(\.error))")
            #expect(answers.first?.header("Connection") == "keep-alive")
            #expect(kept.last?.eof == true)
        }
    }

    @Test("a TLS client that hangs up after the handshake is journaled as a close before any request, not as a handshake failure")
    func closedAfterTheHandshake() async throws {
        try await Self.withServer(https: true) { port, ca, server in
            _ = try await RawConnection.run(port: port, tls: ca, [])  // the process ends: no close_notify
            _ = try await RawConnection.run(port: port, tls: ca, [.closeNotify])
            let events = try await waitFor(
                timeout: .seconds(60),
                {
                    let journal = try JSONParser.parse(
                        try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/journal").body)
                    return journal["requests"]?.arrayValue?.filter { $0["event"] != nil }
                }, until: { $0.count >= 2 })
            let kinds = events?.compactMap { $0["event"]?.stringValue } ?? []
            #expect(kinds == ["tls-closed-before-request", "tls-closed-before-request"], "\(String(describing: events))")
            let details = events?.compactMap { $0["detail"]?.stringValue } ?? []
            // Either may be journaled first: each connection's end is noticed on its own event loop.
            #expect(details.filter { $0.contains("without a request and without TLS close_notify") }.count == 1, "\(details)")
            #expect(details.filter { !$0.contains("close_notify") }.count == 1, "\(details)")
        }
    }

    @Test("Connection: close is echoed and the client reads the end at once", arguments: [false, true])
    func connectionClose(https: Bool) async throws {
        try await Self.withServer(https: https) { port, ca, _ in
            // The fast path, and Hummingbird (the control API), with the header in any case.
            for request in [
                Self.post(Self.status, headers: ["Connection: close"]), Self.post(Self.status, headers: ["Connection: Close"]),
                .send("GET /__fakepbx/journal/count HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
            ] {
                let steps = try await RawConnection.run(port: port, tls: ca, [request, .response, .eof(30)])
                let answer = try #require(steps.first { $0.status != nil }, "\(steps.compactMap(\.error))")
                #expect(answer.status == 200)
                #expect(answer.header("Connection") == "close")
                #expect(steps.last?.eof == true, "the end of the connection follows the answer")
                #expect(steps.last?.bytes == "", "nothing after the answer")
            }
        }
    }

    @Test("pipelined requests are answered in order, on either entry point", arguments: [false, true])
    func pipelined(https: Bool) async throws {
        try await Self.withServer(https: https) { port, ca, _ in
            let requests = [
                "POST \(Self.status) HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: \(Self.credentials.utf8.count)\r\n\r\n\(Self.credentials)",
                "GET /__fakepbx/journal/count HTTP/1.1\r\nHost: x\r\n\r\n",
                "POST /app/xml_cdr/chkcon.php HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: \(Self.credentials.utf8.count)\r\n\r\n\(Self.credentials)",
                "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            ]
            let steps = try await RawConnection.run(
                port: port, tls: ca, [.send(requests.joined()), .response, .response, .response, .response, .eof(30)])
            let answers = steps.filter { $0.status != nil }
            try #require(answers.map(\.status) == [200, 200, 200, 404], "\(steps.compactMap(\.error))")
            #expect(answers[0].body?.contains("\"status\":\"success\"") == true)
            #expect(answers[1].body?.contains("\"count\"") == true)
            #expect(answers[2].body?.contains("\"success\"") == true)
            #expect(answers.last?.header("Connection") == "close")
            #expect(steps.last?.eof == true)
        }
    }

    @Test("a keep-alive client busy on the fast path for three idle timeouts stays connected", arguments: [false, true])
    func busyIsNotIdle(https: Bool) async throws {
        try await Self.withServer(https: https, { $0.idleTimeout = 2 }) { port, ca, server in
            // A request every 0.5 s for 6.5 s, over three times the idle timeout; then silence.
            // (The margin is wide: a loaded machine stretches the client's pauses.)
            var steps: [RawConnection.Step] = []
            for _ in 0..<13 { steps += [Self.post(Self.status), .response, .pause(0.5)] }
            steps.append(.eof(30))
            let outcome = try await RawConnection.run(port: port, tls: ca, steps)
            let answers = outcome.filter { $0.status != nil }
            #expect(answers.count == 13, "every request answered on the one connection: \(outcome.compactMap(\.error))")
            #expect(answers.allSatisfy { $0.status == 200 && $0.header("Connection") == nil })
            #expect(outcome.last?.eof == true, "closed once silent for the idle timeout")
            let journal = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/journal?endpoint=index").json()
            let entries = journal["requests"] as? [[String: Any]] ?? []
            #expect(entries.filter { $0["answered_by"] as? String == "event-loop" }.count == 13, "answered on the fast path")
        }
    }
}

/// ``ConnectionState`` with times given by the test: no sockets, no clock.
@Suite("Connection state")
struct ConnectionStateTests {
    static let timeouts = ConnectionState.Timeouts(header: .seconds(30), idle: .seconds(75))
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    static func at(_ seconds: Int64) -> NIODeadline { start + .seconds(seconds) }

    @Test func aOneZeroRequestIsAnsweredInOneZeroAndCloses() {
        var state = ConnectionState(timeouts: Self.timeouts, now: Self.start)
        #expect(state.headRead(version: .http1_0, keepAlive: false, now: Self.at(1)) == .forward)
        #expect(state.partRead(isEnd: true, now: Self.at(1)) == .forward)
        let framing = state.responseHead(status: .ok, hasLength: false, now: Self.at(2))
        #expect(framing == .init(version: .http1_0, connection: "close"))
        #expect(state.responseEnd(now: Self.at(2)) == .halfClose)
        #expect(state.headRead(version: .http1_1, keepAlive: true, now: Self.at(3)) == .discard, "nothing is read after a closing request")
    }

    @Test func aOneZeroKeepAliveAnswerWithoutLengthStillCloses() {
        var state = ConnectionState(timeouts: Self.timeouts, now: Self.start)
        _ = state.headRead(version: .http1_0, keepAlive: true, now: Self.at(1))
        _ = state.partRead(isEnd: true, now: Self.at(1))
        #expect(state.responseHead(status: .ok, hasLength: true, now: Self.at(1)).connection == "keep-alive")
        #expect(state.responseEnd(now: Self.at(1)) == .none)
        _ = state.headRead(version: .http1_0, keepAlive: true, now: Self.at(2))
        _ = state.partRead(isEnd: true, now: Self.at(2))
        #expect(
            state.responseHead(status: .ok, hasLength: false, now: Self.at(2)).connection == "close", "only the end of the connection delimits it")
        #expect(state.responseEnd(now: Self.at(2)) == .halfClose)
    }

    @Test func interimAnswersAreNotSentToOneZeroClients() {
        var state = ConnectionState(timeouts: Self.timeouts, now: Self.start)
        _ = state.headRead(version: .http1_0, keepAlive: true, now: Self.at(1))
        #expect(state.responseHead(status: .continue, hasLength: false, now: Self.at(1)).drop)
        var eleven = ConnectionState(timeouts: Self.timeouts, now: Self.start)
        _ = eleven.headRead(version: .http1_1, keepAlive: true, now: Self.at(1))
        #expect(!eleven.responseHead(status: .continue, hasLength: false, now: Self.at(1)).drop)
        #expect(eleven.responseHead(status: .ok, hasLength: true, now: Self.at(1)).connection == nil, "the interim answer did not use up the request")
    }

    @Test func idleTimeCountsFromTheLastPartAndNeverDuringAnAnswer() {
        var state = ConnectionState(timeouts: Self.timeouts, now: Self.start)
        _ = state.headRead(version: .http1_1, keepAlive: true, now: Self.at(10))
        _ = state.partRead(isEnd: true, now: Self.at(10))
        #expect(state.expired(now: Self.at(500)) == nil, "an answer in progress is never idle")
        #expect(state.nextCheck == nil)
        _ = state.responseHead(status: .ok, hasLength: true, now: Self.at(600))
        #expect(state.responseEnd(now: Self.at(600)) == .none)
        #expect(state.expired(now: Self.at(629)) == nil)
        #expect(state.expired(now: Self.at(630)) == .headerTimeout, "no request head within the header timeout of the answer")
        var busy = ConnectionState(timeouts: .init(header: .seconds(300), idle: .seconds(5)), now: Self.start)
        for second in stride(from: Int64(1), to: 20, by: 2) {
            _ = busy.headRead(version: .http1_1, keepAlive: true, now: Self.at(second))
            _ = busy.partRead(isEnd: true, now: Self.at(second))
            _ = busy.responseHead(status: .ok, hasLength: true, now: Self.at(second))
            _ = busy.responseEnd(now: Self.at(second))
            #expect(busy.expired(now: Self.at(second + 1)) == nil)
        }
        #expect(busy.expired(now: Self.at(19 + 4)) == nil)
        #expect(busy.expired(now: Self.at(19 + 5)) == .idleTimeout)
        #expect(busy.nextCheck == Self.at(19 + 5))
    }

    @Test func aNewConnectionIsHeldToTheHeaderTimeoutNotTheIdleOne() {
        let state = ConnectionState(timeouts: .init(header: .seconds(30), idle: .seconds(2)), now: Self.start)
        #expect(state.expired(now: Self.at(10)) == nil, "no request yet: idle time does not count (a slow TLS handshake)")
        #expect(state.nextCheck == Self.at(30))
        #expect(state.expired(now: Self.at(30)) == .headerTimeout)
    }

    @Test func pipelinedRequestsCloseAfterTheOneThatAsked() {
        var state = ConnectionState(timeouts: Self.timeouts, now: Self.start)
        var actions: [ConnectionState.ReadAction] = []
        for keepAlive in [true, false, true] {
            actions.append(state.headRead(version: .http1_1, keepAlive: keepAlive, now: Self.at(1)))
            _ = state.partRead(isEnd: true, now: Self.at(1))
        }
        #expect(actions == [.forward, .forward, .discard])
        _ = state.responseHead(status: .ok, hasLength: true, now: Self.at(2))
        #expect(state.responseEnd(now: Self.at(2)) == .none)
        #expect(state.responseHead(status: .ok, hasLength: true, now: Self.at(2)).connection == "close")
        #expect(state.responseEnd(now: Self.at(2)) == .halfClose)
    }

    @Test func quiescingClosesAnIdleConnectionAtOnceAndABusyOneAfterItsAnswer() {
        var idle = ConnectionState(timeouts: Self.timeouts, now: Self.start)
        #expect(idle.quiesce() == .close)
        var busy = ConnectionState(timeouts: Self.timeouts, now: Self.start)
        _ = busy.headRead(version: .http1_1, keepAlive: true, now: Self.at(1))
        _ = busy.partRead(isEnd: true, now: Self.at(1))
        #expect(busy.quiesce() == .none)
        #expect(busy.responseHead(status: .ok, hasLength: true, now: Self.at(2)).connection == "close")
        #expect(busy.responseEnd(now: Self.at(2)) == .halfClose)
    }
}

/// ``ConnectionLifecycle`` in an `EmbeddedChannel`: what it does to the parts and when it closes.
@Suite("Connection lifecycle handler")
struct ConnectionLifecycleTests {
    /// Notes each close the handlers above it ask for, and how.
    final class CloseRecorder: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = NIOAny
        var modes: [CloseMode] = []
        func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
            modes.append(mode)
            promise?.succeed(())
        }
    }

    /// A channel whose lifecycle reads the embedded loop's clock, which only the test advances.
    static func channel() throws -> (EmbeddedChannel, CloseRecorder) {
        let recorder = CloseRecorder()
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(loop: loop)
        try channel.pipeline.syncOperations.addHandler(recorder)
        try channel.pipeline.syncOperations.addHandler(
            ConnectionLifecycle(timeouts: .init(header: .seconds(30), idle: .seconds(75)), now: { loop.now })
        )
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, recorder)
    }

    static func head(_ version: HTTPVersion, _ headers: HTTPHeaders = [:]) -> HTTPServerRequestPart {
        .head(HTTPRequestHead(version: version, method: .POST, uri: "/app/status/index.php", headers: headers))
    }

    @Test func aOneZeroAnswerIsWrittenInOneZeroWithCloseThenHalfCloses() throws {
        let (channel, recorder) = try Self.channel()
        try channel.writeInbound(Self.head(.http1_0))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        #expect(try channel.readInbound(as: HTTPServerRequestPart.self) != nil)
        try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok)))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        guard case .head(let head) = try channel.readOutbound(as: HTTPServerResponsePart.self) else {
            Issue.record("no head written")
            return
        }
        #expect(head.version == .http1_0)
        #expect(head.headers["connection"] == ["close"])
        #expect(recorder.modes == [.output], "half-closed, so the FIN goes out whoever else holds the socket")
        // A request pipelined after it is dropped.
        try channel.writeInbound(Self.head(.http1_1))
        _ = try channel.readInbound(as: HTTPServerRequestPart.self)  // the end of the first request
        #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == nil)
        _ = try? channel.finish()
    }

    @Test func aKeepAliveConnectionStaysOpenAndIsClosedWhenIdle() throws {
        let (channel, recorder) = try Self.channel()
        try channel.writeInbound(Self.head(.http1_1))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: ["content-length": "0"])))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        #expect(recorder.modes.isEmpty)
        // EmbeddedChannel's loop runs scheduled tasks when its time is advanced.
        channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(recorder.modes.isEmpty)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(recorder.modes == [.all], "closed by the header timeout, counted from the answer")
        _ = try? channel.finish()
    }
}

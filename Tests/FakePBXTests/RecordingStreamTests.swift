import AsyncHTTPClient
import ContractKit
import FakePBX
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// `fakepbx record` passes a large answer on as it arrives, and keeps its framing.
@Suite("record streams answers")
struct RecordingStreamTests {
    static let first = ByteBuffer(string: "<?xml version=\"1.0\"?>\n<cdrs>\n" + String(repeating: "<cdr>first</cdr>\n", count: 4000))
    static let rest = ByteBuffer(string: String(repeating: "<cdr>rest</cdr>\n", count: 4000) + "</cdrs>\n")

    /// An upstream whose export sends its first part, then waits (at most 60 s, a hang bound) until
    /// `gate` opens before it sends the rest; `/sized` answers with a Content-Length, `/broken`
    /// promises more than it sends.
    static func withUpstream<T: Sendable>(gate: AsyncStream<Void>, _ body: (Int) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/app/xml_cdr/export_cdr.php") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/xml"],
                body: ResponseBody { writer in
                    try await writer.write(first)
                    let openedByTheClient = await withTaskGroup(of: Bool.self) { group in
                        group.addTask {
                            for await _ in gate { return true }
                            return true
                        }
                        group.addTask {
                            try? await Task.sleep(for: .seconds(60))
                            return false
                        }
                        defer { group.cancelAll() }
                        return await group.next() ?? false
                    }
                    // The client's body then differs from what the test expects.
                    try await writer.write(
                        openedByTheClient ? rest : ByteBuffer(string: "sent at the 60 s bound: the client never had the first part\n"))
                    try await writer.finish(nil)
                })
        }
        router.post("/sized") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/csv"], body: ResponseBody(byteBuffer: ByteBuffer(string: "uuid,tta\n1,5\n")))
        }
        router.post("/broken") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/csv"],
                body: ResponseBody(contentLength: 100_000) { writer in
                    try await writer.write(ByteBuffer(string: "uuid,tta\n"))
                    throw CancellationError()
                })
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: quietLogger
        )
        return try await withRunning(app, ports: ports, body)
    }

    static func post(_ client: HTTPClient, port: Int, _ path: String) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: "username=admin&password=your-password"))
        return try await client.execute(request, timeout: .seconds(60))
    }

    /// The cassette once it holds `count` exchanges (written just after each answer's last byte); a
    /// 60 s bound against a hang.
    static func recorded(_ path: String, count: Int) async throws -> Cassette {
        let cassette = try await waitFor(timeout: .seconds(60), { try? Cassette.load(contentsOf: path) }, until: { $0.exchanges.count >= count })
        return try #require(cassette)
    }

    @Test func theFirstPartReachesTheClientBeforeTheUpstreamHasSentTheRest() async throws {
        try await withTemporaryDirectory { dir in
            let cassette = dir.appendingPathComponent("stream.json").path
            let (gate, open) = AsyncStream<Void>.makeStream()
            let client = HTTPClient.shared
            try await Self.withUpstream(gate: gate) { upstream in
                try await withRecordingProxy(RecordingConfiguration(upstream: "http://127.0.0.1:\(upstream)", output: cassette)) { proxy in
                    let answer = try await Self.post(client, port: proxy, "/app/xml_cdr/export_cdr.php")
                    #expect(answer.status == .ok)
                    #expect(answer.headers["content-length"].isEmpty, "the upstream's chunked answer stays chunked")
                    var received = ByteBuffer()
                    var openedByTheClient = false
                    for try await chunk in answer.body {
                        received.writeImmutableBuffer(chunk)
                        // The first part came through while the upstream still held the rest.
                        if !openedByTheClient, received.readableBytes >= Self.first.readableBytes {
                            #expect(received.readableBytesView.starts(with: Self.first.readableBytesView))
                            openedByTheClient = true
                            open.yield()
                        }
                    }
                    #expect(openedByTheClient)
                    var whole = Self.first
                    whole.writeImmutableBuffer(Self.rest)
                    #expect(received == whole)

                    // Recorded right after the last byte, with the whole body.
                    let recorded = try await Self.recorded(cassette, count: 1)
                    #expect(recorded.exchanges.first?.response?.body == .text(String(buffer: whole)))
                    #expect(recorded.exchanges.first?.request.form["password"] == "REDACTED-password-1")

                    let sized = try await Self.post(client, port: proxy, "/sized")
                    #expect(sized.headers["content-length"] == ["13"], "a sized answer keeps its Content-Length")
                    #expect(String(buffer: try await sized.body.collect(upTo: 1 << 20)) == "uuid,tta\n1,5\n")
                    #expect(try await Self.recorded(cassette, count: 2).exchanges.count == 2)
                }
            }
        }
    }

    @Test func anAnswerThatBreaksOffReachesTheClientBrokenAndIsRecordedSo() async throws {
        try await withTemporaryDirectory { dir in
            let cassette = dir.appendingPathComponent("broken.json").path
            let client = HTTPClient.shared
            try await Self.withUpstream(gate: AsyncStream { $0.finish() }) { upstream in
                try await withRecordingProxy(RecordingConfiguration(upstream: "http://127.0.0.1:\(upstream)", output: cassette)) { proxy in
                    let answer = try await Self.post(client, port: proxy, "/broken")
                    #expect(answer.headers["content-length"] == ["100000"])
                    await #expect(throws: (any Error).self, "the client sees the answer break off") {
                        _ = try await answer.body.collect(upTo: 1 << 20)
                    }
                    // The proxy goes on; the next exchange is the cassette's first.
                    let sized = try await Self.post(client, port: proxy, "/sized")
                    #expect(String(buffer: try await sized.body.collect(upTo: 1 << 20)) == "uuid,tta\n1,5\n")
                    let recorded = try await Self.recorded(cassette, count: 2)
                    #expect(recorded.exchanges.map(\.request.path) == ["/broken", "/sized"])
                    // What arrived of the broken answer, and that it broke off.
                    #expect(recorded.exchanges.map(\.outcome) == [.brokeOff, nil])
                    #expect(recorded.exchanges[0].response?.body == .text("uuid,tta\n"))
                }
            }
            // Replayed as it came: the part that arrived, then the connection closes mid-answer.
            try await withFakePBX({ configuration in
                configuration.replayCassettes = [cassette]
                configuration.replayMode = .answers
            }) { replay in
                let answer = try await Self.post(client, port: replay.port, "/broken")
                #expect(answer.status == .ok)
                var received = ""
                await #expect(throws: (any Error).self, "the client sees the replayed answer break off") {
                    for try await chunk in answer.body { received += String(buffer: chunk) }
                }
                #expect(received == "uuid,tta\n")
            }
        }
    }
}

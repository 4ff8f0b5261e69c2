import Foundation
import TestSupport
import Testing

@testable import FakePBX

/// The journal's live feed stays bounded whatever its readers do: in streams, and in what a reader
/// that does not read holds.
@Suite("Journal feed bounds")
struct JournalFeedTests {
    static func entry(_ sequence: Int, field: Int = 10) -> RequestJournal.Entry {
        var entry = RequestJournal.Entry(
            time: 0, client: IPAddress("127.0.0.1")!, method: "POST", path: "/app/status/index.php", status: 200, applied: [],
            fields: ["note": String(repeating: "a", count: field)])
        entry.sequence = sequence
        entry.answer = nil
        return entry
    }

    @Test("a reader that does not read holds at most the backlog, and is told how many it missed")
    func aSilentReader() throws {
        let feed = JournalFeed()
        let silent = try #require(feed.subscribe())
        for sequence in 1...5_000 { feed.publish(Self.entry(sequence)) }
        let (items, dropped) = silent.take()
        #expect(items.count <= JournalFeed.backlog && items.count + dropped == 5_000, "\(items.count) kept, \(dropped) dropped")
        if case .entry(let last) = items.last { #expect(last.sequence == 5_000, "the newest are kept") } else { Issue.record("no entry") }

        // Large fields: bounded by bytes too.
        for sequence in 1...400 { feed.publish(Self.entry(sequence, field: 64 << 10)) }
        let large = silent.take()
        let bytes = large.items.reduce(0) { $0 + $1.size }
        #expect(bytes <= JournalFeed.backlogBytes + (64 << 10) + 512 && large.dropped > 0, "\(bytes) bytes held, \(large.dropped) dropped")
        silent.close()
    }

    @Test("the feed keeps at most maxSubscriptions streams; a closed one frees its place")
    func boundedStreams() {
        let feed = JournalFeed()
        let open = (0..<JournalFeed.maxSubscriptions).compactMap { _ in feed.subscribe() }
        #expect(open.count == JournalFeed.maxSubscriptions)
        #expect(feed.subscribe() == nil)
        open[0].close()
        #expect(feed.subscribe() != nil)
    }

    @Test("over HTTP, one stream past the bound is refused with 503 and what to do")
    func refusedOverHTTP() async throws {
        try await withFakePBX { (server: TestServer) async throws in
            // One Python process holds the streams open and reads the answer of one more.
            let script = """
                import socket, sys
                port, count = int(sys.argv[1]), int(sys.argv[2])
                held = []
                for _ in range(count):
                    s = socket.create_connection(("127.0.0.1", port), timeout=60)
                    s.sendall(b"GET /__fakepbx/events HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
                    assert s.recv(4096).startswith(b"HTTP/1.1 200"), "a stream within the bound was refused"
                    held.append(s)
                s = socket.create_connection(("127.0.0.1", port), timeout=60)
                s.sendall(b"GET /__fakepbx/events HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
                print(s.recv(65536).decode("latin-1"))
                """
            let result = try await runProcess(try python3(), ["-c", script, String(server.port), String(JournalFeed.maxSubscriptions)])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("HTTP/1.1 503"), "\(result.stdout)")
            #expect(result.stdout.contains("64 event streams are open"), "\(result.stdout)")
        }
    }
}

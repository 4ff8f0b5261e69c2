import ContractKit
import Foundation
import JSONSchema
import TestSupport
import Testing

@Suite("Cassettes")
struct CassetteTests {
    @Test func theDocumentedCassetteRoundTripsByteForByte() throws {
        let url = repositoryFile("Recordings/ictvoip-docs.json")
        let cassette = try Cassette.load(contentsOf: url.path)
        #expect(cassette.exchanges.count >= 8)
        let bytes = cassette.json.fileBytes
        #expect(String(decoding: bytes, as: UTF8.self) == (try String(contentsOf: url, encoding: .utf8)))
    }

    @Test func writingIsAtomicAndReadsBack() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("c.json").path
            let exchange = Exchange(
                name: "status",
                request: ExchangeRequest(
                    method: "post", path: "/app/status/index.php", headers: ["X-B": "2", "A": "1"], form: ["z": "1", "a": "2"]),
                response: ExchangeResponse(status: 200, headers: ["Content-Type": "text/plain"], body: .text("ok")),
                timing: .init(startedAt: "2026-11-23T12:00:00Z", durationMilliseconds: 1.23456)
            )
            try Cassette(name: "t", exchanges: [exchange]).write(to: path)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.contains("\"a\": \"1\",\n          \"x-b\": \"2\""), "headers sorted by name, lower case")
            #expect(text.contains("\"durationMs\": 1.235"))
            let back = try Cassette.load(contentsOf: path)
            #expect(back.exchanges[0].request.method == "POST")
            #expect(back.exchanges[0].response?.body == .text("ok"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["c.json"], "no temporary file left behind")
        }
    }

    @Test func badCassettesAreLocatedByPointer() async throws {
        try await withTemporaryDirectory { dir in
            func load(_ text: String) -> ContractError? {
                let path = dir.appendingPathComponent("bad.json").path
                try? text.write(toFile: path, atomically: true, encoding: .utf8)
                return #expect(throws: ContractError.self) { try Cassette.load(contentsOf: path) }
            }
            let status = load(#"{"format":"fakepbx-cassette/1","exchanges":[{"request":{"method":"POST","path":"/x"},"response":{"status":"200"}}]}"#)
            #expect(status?.location?.hasSuffix("bad.json#/exchanges/0/response/status") == true, "\(String(describing: status))")
            #expect(status?.message == "expected a whole number")
            let unknown = load(#"{"format":"fakepbx-cassette/1","exchanges":[{"request":{"method":"POST","path":"/x","body":"a=1"}}]}"#)
            #expect(unknown?.description.contains("#/exchanges/0/request/body: unknown member 'body'") == true, "\(String(describing: unknown))")
            let format = load(#"{"format":"har","exchanges":[]}"#)
            #expect(format?.message.contains("expected 'fakepbx-cassette/1'") == true)
            let syntax = load("{\"format\": \"fakepbx-cassette/1\",\n \"exchanges\": [}")
            #expect(syntax?.location?.hasSuffix("bad.json:2:16") == true, "\(String(describing: syntax))")
        }
    }
}

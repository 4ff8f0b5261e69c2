import FakePBX
import Foundation
import TestSupport
import Testing

/// docs/openapi.json against live answers, checked by an independent validator (openapi-core, from
/// PyPI): every case of `contract run`, the CSV and XML exports, the alias paths, a fault's 503, a
/// 429 and HTTPS's 301, recorded whole through the recording proxy.
@Suite struct OpenAPILiveTests {
    @Test func everyLiveAnswerHoldsAndEveryOperationIsExercised() async throws {
        let binary = try fakepbxExecutable()
        try await withTemporaryDirectory { dir in
            let cassette = dir.appendingPathComponent("live.json").path
            try await withFakePBX({ _ in }, clock: .system) { server in
                try await withRecordingProxy(RecordingConfiguration(upstream: server.httpURL(), output: cassette)) { proxy in
                    let run = try await runProcess(
                        binary,
                        [
                            "contract", "run", "--timeout", "60", "--target", "http://127.0.0.1:\(proxy)", "--username", "admin", "--password",
                            "your-password",
                        ])
                    #expect(run.status == 0, "\(run.stdout)")
                    let key = "key=fakepbx-demo-api-key-0123456789abcdef"
                    for (method, path) in [
                        ("GET", "/app/status/?\(key)"), ("POST", "/app/status/"), ("GET", "/app/status?\(key)"), ("POST", "/app/status"),
                    ] {
                        _ = try await RawHTTPClient.request(
                            port: proxy, method: method, path: path, body: method == "POST" ? "username=admin&password=your-password" : "")
                    }
                    // Statuses a fault and a scenario give.
                    #expect(try await server.control("POST", "faults", #"{"type": "status", "status": 503, "when": {"first": 1}}"#).status == 200)
                    #expect(try await RawHTTPClient.post(port: proxy, path: "/app/status/index.php", [:]).status == 503)
                    #expect(try await server.control("POST", "ratelimits", #"{"standard": "1/3600"}"#).status == 200)
                    for expected in [200, 429] {
                        #expect(
                            try await RawHTTPClient.post(port: proxy, path: "/app/domains/manage_domain.php", ["action": "list"]).status == expected)
                    }
                }
            }
            // The HTTP port's 301 when HTTPS is on, into the same cassette.
            try await withHTTPSFakePBX { (server: TestServer, _: String) async throws in
                try await withRecordingProxy(RecordingConfiguration(upstream: server.httpURL(), output: cassette)) { (proxy: Int) async throws in
                    #expect(try await RawHTTPClient.post(port: proxy, path: "/app/status/index.php", [:]).status == 301)
                }
            }
            let har = dir.appendingPathComponent("live.har").path
            let export = try await runProcess(binary, ["recording", "export", "--har", cassette, "--out", har])
            #expect(export.status == 0, "\(export.stderr)")
            let checked = try await runProcess(
                try python3(), [repositoryFile("scripts/openapi/validate.py").path, repositoryFile("docs/openapi.json").path, har])
            #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
            #expect(checked.stdout.contains(", 0 break ") && checked.stdout.contains("0 operations not exercised"), "\(checked.stdout)")
        }
    }
}

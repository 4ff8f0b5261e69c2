import FakePBX
import Foundation
import PropertyBased
import TestSupport
import Testing

/// Random and hostile JSON and YAML thrown at every control route and scenario key: the server
/// always answers (never a 5xx, never a crash) and the tenant data is intact afterwards.
@Suite("Fuzzing the control API")
struct ControlFuzzTests {
    static let routes: [(String, String)] = [
        ("POST", "clock/advance"), ("POST", "clock/set"), ("POST", "clock/freeze"), ("POST", "bans"), ("POST", "whitelist"),
        ("PUT", "whitelist"), ("POST", "faults"), ("POST", "tls"), ("POST", "verify"), ("PUT", "state"), ("POST", "reset"),
        ("GET", "journal"), ("GET", "journal/count"), ("DELETE", "faults/x"), ("DELETE", "bans/x"),
    ]
    static let keys = [
        "seconds", "epoch", "time", "address", "jail", "entry", "entries", "mode", "limit", "endpoint", "count", "min", "max",
        "never", "type", "status", "when", "match", "id", "format", "domains", "x",
    ]
    static let values = [
        "1e300", "-1e300", "1e400", "-1", "0", "0.5", "NaN", "\"nan\"", "\"inf\"", "null", "true", "[]", "{}", "\"\"",
        "\"127.0.0.1\"", "\"::/0\"", "\"expired\"", "\"\(String(repeating: "A", count: 20_000))\"", "[1,[2,[3,[4]]]]",
        "\"%00\"", "\"../../etc/passwd\"", "\"\\u0000\"", "99999999999999999999999", "{\"after\": 1e300}", "\"reset\"",
        "[{\"endpoint\": \"status\", \"count\": 1e300}]", "\"2026-13-45T99:99:99Z\"", "{", "\"\\ud800\"",
    ]
    static let scenarioKeys = [
        "name", "dataset", "pbx_version", "whitelist", "credentials", "auth_profile", "cdrs", "policies", "faults", "tls", "x",
    ]
    static let stepActions = ["fault", "ban", "whitelist", "advance_clock", "gateway_state", "rate_limit", "tls_mode", "remove_fault"]

    func request(_ port: Int, _ method: String, _ path: String, _ body: String, type: String = "application/json") async throws -> HTTPResult {
        try await RawHTTPClient.request(port: port, method: method, path: "/__fakepbx/\(path)", body: body, contentType: type)
    }

    /// Runs `body` against a fake's control port, then checks that it still answers and that the
    /// tenant data is what it was.
    func afterHostileInput(_ body: (Int) async throws -> Void) async throws {
        try await withFakePBX({ $0.adminPort = 0 }) { (server: TestServer) async throws in
            let port = try #require(server.adminPort)
            let before = try await request(port, "GET", "state", "").text
            try await body(port)
            #expect(try await request(port, "GET", "health", "").status == 200)
            #expect(try await request(port, "GET", "state", "").text == before, "the tenant data is intact")
        }
    }

    @Test("hostile JSON on every control route: always an answer below 500, the data intact")
    func controlRoutes() async throws {
        try await afterHostileInput { port in
            await propertyCheck(
                count: 400, input: Gen.element(of: Self.routes.indices), Gen.element(of: Self.keys), Gen.element(of: Self.values)
            ) { route, key, value in
                guard let route, let key, let value else { return }
                let (method, path) = Self.routes[route]
                let query = method == "GET" ? "?\(key)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" : ""
                let answer = try await request(port, method, path + query, method == "GET" ? "" : "{\"\(key)\": \(value)}")
                #expect(answer.status < 500, "\(method) \(path) {\(key): \(value.prefix(40))}: \(answer.status) \(answer.text.prefix(200))")
            }
        }
    }

    @Test("hostile values under every scenario key and step action: refused or loaded, never a 5xx")
    func scenarioKeys() async throws {
        try await afterHostileInput { port in
            await propertyCheck(
                count: 300, input: Gen.element(of: Self.scenarioKeys), Gen.element(of: Self.stepActions), Gen.element(of: Self.values)
            ) { key, action, value in
                guard let key, let action, let value else { return }
                let yaml = "\(key): \(value)\ntimeline:\n  - at: \(value)\n    \(action): \(value)\n"
                let answer = try await request(port, "POST", "scenario", yaml, type: "application/yaml")
                #expect(answer.status < 500, "\(key)/\(action) = \(value.prefix(40)): \(answer.status) \(answer.text.prefix(200))")
            }
        }
    }
}

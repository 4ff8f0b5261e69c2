import ContractKit
import FakePBX
import Foundation
import JSONSchema
import TestSupport
import Testing

@Suite("fakepbx bundle")
struct BundleCommandTests {
    /// Starts `fakepbx serve` with `arguments`, sends the same requests, returns the answers.
    static func answers(_ arguments: [String], dir: URL) async throws -> [String] {
        let portFile = dir.appendingPathComponent("port-\(UUID().uuidString)").path
        let serve = try await LaunchedProcess(try fakepbxExecutable(), ["serve", "--port", "0", "--port-file", portFile] + arguments)
        defer { serve.signal(SIGTERM) }
        _ = try await serve.waitForLines(1)
        let port = try #require(Int(try String(contentsOfFile: portFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        var answers: [String] = []
        for _ in 1...6 {
            let answer = try await RawHTTPClient.post(
                port: port, path: "/app/xml_cdr/export_cdr.php",
                ["date_start": "2026-11-20", "date_end": "2026-11-20", "domain_name": "yourdomain.com"])
            answers.append("\(answer.status) \(answer.text.prefix(200))")
        }
        let status = try await RawHTTPClient.post(port: port, path: "/app/status/index.php", [:])
        answers.append("\(status.status) \(status.text)")
        let recorded = try await RawHTTPClient.post(
            port: port, path: "/app/registrations/check_registration.php", ["extension": "1001", "tenant_domain": "yourdomain.com"])
        answers.append("\(recorded.status) \(recorded.text)")
        return answers
    }

    @Test func aBundleReproducesTheSameAnswersInAnotherRun() async throws {
        try await withTemporaryDirectory { dir in
            // A cassette with one recorded answer that differs from the emulator's.
            let cassette = dir.appendingPathComponent("customer.json").path
            try Cassette(
                name: "customer",
                exchanges: [
                    Exchange(
                        name: "registration",
                        request: ExchangeRequest(
                            method: "POST", path: "/app/registrations/check_registration.php",
                            form: ["extension": "1001", "tenant_domain": "yourdomain.com"]),
                        response: ExchangeResponse(
                            status: 200, headers: ["content-type": "application/json"],
                            body: .json([
                                "status": "success", "message": "Extension status retrieved", "registered": "no", "register_ip": "",
                                "register_port": "", "register_useragent": "",
                            ]))
                    )
                ]
            ).write(to: cassette)
            let scenario = dir.appendingPathComponent("flaky.yaml").path
            try """
            name: flaky
            policies: {rate_limits: off}
            faults:
              - {type: status, status: 503, match: {endpoint: export_cdr}, when: {probability: 0.5}}
            """.write(toFile: scenario, atomically: true, encoding: .utf8)
            let bundle = dir.appendingPathComponent("ISSUE-42.fakepbx.json").path
            let created = try await runProcess(
                try fakepbxExecutable(),
                [
                    "bundle", "create", "--out", bundle, "--cassette", cassette, "--scenario", scenario, "--pbx-version", "5.3.8",
                    "--clock", "2026-11-23T12:00:00Z", "--seed", "7", "--description", "autobill fails on flaky exports",
                ])
            #expect(created.status == 0, "\(created.stderr)")

            let first = try await Self.answers(["--bundle", bundle, "--bundle-clock", "frozen"], dir: dir)
            let second = try await Self.answers(["--bundle", bundle, "--bundle-clock", "frozen"], dir: dir)
            #expect(first == second)
            #expect(first.contains { $0.hasPrefix("503 ") } && first.contains { $0.hasPrefix("200 ") })
            #expect(first[6].contains(#""timestamp":"2026-11-23T12:00:00Z","version":"5.3.8""#), "\(first[6])")
            #expect(first[7].contains(#""registered":"no""#))

            // A damaged bundle is refused with its place.
            let text = try String(contentsOfFile: bundle, encoding: .utf8).replacingOccurrences(
                of: "\"pbx_version\": \"5.3.8\"", with: "\"pbx_version\": \"five\"")
            try text.write(toFile: bundle, atomically: true, encoding: .utf8)
            let refused = try await runProcess(try fakepbxExecutable(), ["serve", "--port", "0", "--bundle", bundle])
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("ISSUE-42.fakepbx.json#/pbx_version: 'five' is not a FusionPBX version"))
        }
    }
}

extension BundleCommandTests {
    @Test func aBundleCarriesAuthHTTPSAndVersionsAndShowsWhatItHolds() async throws {
        try await withTemporaryDirectory { dir in
            let cassette = dir.appendingPathComponent("night.json").path
            try Cassette(
                name: "night",
                exchanges: [
                    Exchange(
                        name: "export", request: ExchangeRequest(method: "POST", path: "/app/xml_cdr/export_cdr.php"),
                        response: ExchangeResponse(status: 429, headers: ["retry-after": "60"], body: .json(["status": "error"])),
                        timing: .init(startedAt: "2026-11-23T02:00:00Z", durationMilliseconds: 3)),
                    Exchange(
                        name: "export", request: ExchangeRequest(method: "POST", path: "/app/xml_cdr/export_cdr.php"), response: nil,
                        outcome: .reset, timing: .init(startedAt: "2026-11-23T02:00:01Z", durationMilliseconds: 1)),
                ]
            ).write(to: cassette)
            let bundle = dir.appendingPathComponent("B.fakepbx.json").path
            let created = try await runProcess(
                try fakepbxExecutable(),
                [
                    "bundle", "create", "--out", bundle, "--cassette", cassette, "--pbx-version", "5.4.9", "--auth-profile", "password",
                    "--app-version", "status=1.2.0-status", "--https", "--tls-mode", "expired", "--tls-min-version", "1.3",
                ])
            #expect(created.status == 0, "\(created.stderr)")
            // The clock is when the recording started.
            #expect(created.stdout.contains("clock 2026-11-23T02:00:00Z"), "\(created.stdout)")

            let shown = try await runProcess(try fakepbxExecutable(), ["bundle", "show", bundle])
            #expect(shown.status == 0, "\(shown.stderr)")
            for line in [
                "  pbx version: 5.4.9", "  app versions: status=1.2.0-status", "  auth profile: password",
                "  https: mode expired, client certificates none, min TLS 1.3", "  clock: 2026-11-23T02:00:00Z",
                "  cassette night: 2 exchanges from 2026-11-23T02:00:00Z to 2026-11-23T02:00:01Z; 1× 429, 1× reset",
            ] {
                #expect(shown.stdout.contains(line), "\(line) in:\n\(shown.stdout)")
            }
            let json = try await runProcess(try fakepbxExecutable(), ["bundle", "show", bundle, "--json"])
            let summary = try JSONParser.parse(Array(json.stdout.utf8))
            #expect(summary["https"]?["mode"]?.stringValue == "expired")
            #expect(summary["cassettes"]?.arrayValue?.first?["endings"]?["reset"] == 1)

            // Served: HTTPS on, in the bundle's mode; password auth; the clock frozen on request.
            let portFile = dir.appendingPathComponent("https.port").path
            let serve = try await LaunchedProcess(
                try fakepbxExecutable(), ["serve", "--port", "0", "--bundle", bundle, "--bundle-clock", "frozen", "--https-port-file", portFile])
            defer { serve.signal(SIGTERM) }
            let banner =
                try await waitFor(timeout: .seconds(60), { serve.output }, until: { $0.contains { $0.hasPrefix("  clock:") } || !serve.isRunning })
                ?? []
            let text = banner.joined(separator: "\n")
            #expect(text.contains(" and https://127.0.0.1:"), "\(text) \(serve.standardError)")
            #expect(text.contains("auth: password"), "\(text)")
            #expect(text.contains("mode expired"), "\(text)")
            #expect(text.contains("clock: frozen at 2026-11-23T02:00:00Z"), "\(text)")
            #expect(text.contains("mode answers"), "\(text)")

            // A bundle-only option without a bundle is refused.
            let refused = try await runProcess(try fakepbxExecutable(), ["serve", "--port", "0", "--bundle-clock", "now"])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("--bundle-clock applies with --bundle FILE"), "\(refused.stderr)")
        }
    }
}

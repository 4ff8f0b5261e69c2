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

            let first = try await Self.answers(["--bundle", bundle], dir: dir)
            let second = try await Self.answers(["--bundle", bundle], dir: dir)
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

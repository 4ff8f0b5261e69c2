import Foundation
import TestSupport
import Testing

/// A half-upgraded server (one application left at an older version), found by the expected API set.
@Suite("Application versions")
struct AppVersionCommandTests {
    @Test("serve --app-version leaves status behind; contract run --expect-app-versions names it, and passes once the set says so")
    func halfUpgraded() async throws {
        let binary = try fakepbxExecutable()
        let server = try await LaunchedProcess(binary, ["serve", "--port", "0", "--app-version", "status=1.2.0-status"])
        defer { server.signal(SIGTERM) }
        let banner = try await server.waitForLines(1)[0]
        let port = try #require(bannerPort(banner), "\(banner)")
        try await withTemporaryDirectory { dir in
            let expected = dir.appendingPathComponent("api-set.txt").path
            try "# the API set of this release\nstatus=1.3.0-status\nextensions = 2.0-extensions\ngateways=1.3.1-gateways\n"
                .write(toFile: expected, atomically: true, encoding: .utf8)
            let base = [
                "contract", "run", "--timeout", "60", "--target", "http://127.0.0.1:\(port)", "--case", "read-only", "--username", "admin",
                "--password", "your-password",
            ]
            let behind = try await runProcess(binary, base + ["--expect-app-versions", expected])
            #expect(behind.status == 1, "\(behind.stdout)\(behind.stderr)")
            #expect(behind.stdout.contains("FAIL app versions: status"), "\(behind.stdout)")
            #expect(behind.stdout.contains("status reports 1.2.0-status; the expected API set has 1.3.0-status"), "\(behind.stdout)")
            #expect(!behind.stdout.contains("FAIL app versions: extensions"), "\(behind.stdout)")

            try "status=1.2.0-status\nextensions=2.0-extensions\n".write(toFile: expected, atomically: true, encoding: .utf8)
            let matching = try await runProcess(binary, base + ["--expect-app-versions", expected])
            #expect(matching.status == 0, "\(matching.stdout)\(matching.stderr)")

            try "status 1.3.0\n".write(toFile: expected, atomically: true, encoding: .utf8)
            let bad = try await runProcess(binary, base + ["--expect-app-versions", expected])
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("\(expected):1: 'status 1.3.0' is not NAME=VERSION"), "\(bad.stderr)")
        }
    }

    @Test("a scenario's app_versions sets them too, and an unknown application in one is named")
    func fromAScenario() async throws {
        try await withTemporaryDirectory { dir in
            let scenario = dir.appendingPathComponent("half-upgraded.yaml").path
            try "name: half-upgraded\napp_versions:\n  extensions: 1.9-extensions\n".write(toFile: scenario, atomically: true, encoding: .utf8)
            let binary = try fakepbxExecutable()
            let server = try await LaunchedProcess(binary, ["serve", "--port", "0", "--scenario", scenario])
            defer { server.signal(SIGTERM) }
            let banner = try await server.waitForLines(1)[0]
            let port = try #require(bannerPort(banner), "\(banner)")
            let answer = try await RawHTTPClient.post(port: port, path: "/app/extensions/manage_extension.php", ["action": "version"])
            #expect(try answer.json()["version"] as? String == "1.9-extensions", "\(answer.text)")
            let bad = dir.appendingPathComponent("bad.yaml").path
            try "app_versions:\n  billing: 1.0\n".write(toFile: bad, atomically: true, encoding: .utf8)
            let lint = try await runProcess(binary, ["scenario", "lint", bad])
            #expect(lint.status != 0)
            #expect(
                lint.stderr.contains("'billing' is not an ictVoIP application") || lint.stdout.contains("'billing' is not an ictVoIP application"),
                "\(lint.stdout)\(lint.stderr)")
        }
    }

    @Test("an unknown application is refused with the known ones")
    func unknownApplication() async throws {
        let result = try await runProcess(try fakepbxExecutable(), ["serve", "--port", "0", "--app-version", "billing=1.0"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--app-version: 'billing' is not an ictVoIP application; they are access_control, status"), "\(result.stderr)")
    }
}

import Foundation
import TestSupport
import Testing

/// `fakepbx upgrade check` as a CI job runs it.
@Suite("fakepbx upgrade check")
struct UpgradeCommandTests {
    @Test(
        "emulated 5.4.9 → 5.5.7 fails with the findings; --accept with their ids passes; the reports are written and the HTML one opens in a browser")
    func emulated() async throws {
        try await withTemporaryDirectory { dir in
            let junit = dir.appendingPathComponent("junit.xml").path
            let html = dir.appendingPathComponent("upgrade.html").path
            let binary = try fakepbxExecutable()
            let result = try await runProcess(
                binary, ["upgrade", "check", "--from", "5.4.9", "--to", "5.5.7", "--junit", junit, "--html", html, "--timeout", "60"])
            #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("FAIL upgrade: type-changed: string 'true'/'false' -> boolean"), "\(result.stdout)")
            #expect(result.stdout.contains("FAIL upgrade: csv-column-renamed: tta -> wait"), "\(result.stdout)")
            #expect(result.stdout.hasSuffix("a client may break\n"))
            #expect(try String(contentsOfFile: junit, encoding: .utf8).contains("csv-column-renamed: tta -&gt; wait"))
            let browser = try await runProcess(
                try python3(), [repositoryFile("scripts/browser/report.py").path, html, junit, "--pointer", "export_cdr tta"])
            #expect(browser.status == 0, "\(browser.stdout)\(browser.stderr)")
            #expect(browser.stdout.contains("ok    the violation at export_cdr tta is visible"), "\(browser.stdout)")

            let accepted = dir.appendingPathComponent("accepted.txt").path
            let ids = result.stdout.split(separator: "\n").filter { $0.hasPrefix("FAIL upgrade: ") }.map { $0.dropFirst(14) }
            try (["# reviewed before the 5.5 upgrade"] + ids.map(String.init)).joined(separator: "\n").write(
                toFile: accepted, atomically: true, encoding: .utf8)
            let reviewed = try await runProcess(
                binary, ["upgrade", "check", "--from", "5.4.9", "--to", "5.5.7", "--accept", accepted, "--timeout", "60"])
            #expect(reviewed.status == 0, "\(reviewed.stdout)\(reviewed.stderr)")
            #expect(reviewed.stdout.contains("NOTE upgrade: accepted in \(accepted): type-changed"), "\(reviewed.stdout)")
        }
    }

    @Test(
        "two fakepbx serve processes by URL: 5.4.9 -> 5.5.7 finds the flags as one finding and tta -> wait, exit 1; 5.5.3 -> 5.5.4 finds nothing, exit 0",
        arguments: [("5.4.9", "5.5.7"), ("5.5.3", "5.5.4")])
    func byURL(from: String, to: String) async throws {
        let binary = try fakepbxExecutable()
        var servers: [LaunchedProcess] = []
        var ports: [Int] = []
        for version in [from, to] {
            let server = try await LaunchedProcess(
                binary,
                [
                    "serve", "--port", "0", "--pbx-version", version, "--rate-limit", "standard=0/60", "--rate-limit", "cdr=0/60", "--rate-limit",
                    "gateway=0/60",
                    "--jail", "fusionpbx=off", "--jail", "nginx-dos=off",
                ])
            let banner = try await server.waitForLines(1)[0]
            ports.append(try #require(bannerPort(banner), "\(banner)"))
            servers.append(server)
        }
        defer { for server in servers { server.signal(SIGTERM) } }
        let result = try await runProcess(
            binary, ["upgrade", "check", "--from-url", "http://127.0.0.1:\(ports[0])", "--to-url", "http://127.0.0.1:\(ports[1])", "--timeout", "60"])
        #expect(result.stdout.contains("pairs of answers compared"), "\(result.stdout)")
        if from == "5.4.9" {
            #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
            let failures = result.stdout.components(separatedBy: "FAIL upgrade: ").dropFirst()
            let flags = failures.filter { $0.hasPrefix("type-changed: string 'true'/'false' -> boolean") }
            #expect(flags.count == 1, "one finding for the flags: \(result.stdout)")
            #expect(
                flags.first.map { $0.components(separatedBy: "\n     body ").count - 1 >= 3 } == true, "over several operations: \(result.stdout)")
            #expect(failures.contains { $0.hasPrefix("csv-column-renamed: tta -> wait") }, "\(result.stdout)")
            #expect(result.stdout.hasSuffix("a client may break\n"), "\(result.stdout)")
        } else {
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.hasSuffix("nothing a client reads breaks\n"), "\(result.stdout)")
        }
    }

    @Test("--expect-app-versions checks the upgraded side's applications")
    func expectedAPISet() async throws {
        try await withTemporaryDirectory { dir in
            let expected = dir.appendingPathComponent("api-set.txt").path
            try "status=1.4.0-status\nextensions=2.0-extensions\n".write(toFile: expected, atomically: true, encoding: .utf8)
            let result = try await runProcess(
                try fakepbxExecutable(),
                ["upgrade", "check", "--from", "5.5.7", "--to", "5.5.7", "--expect-app-versions", expected, "--timeout", "60"])
            #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("status reports 1.3.0-status; the expected API set has 1.4.0-status"), "\(result.stdout)")
            #expect(!result.stdout.contains("FAIL app versions: extensions"), "\(result.stdout)")
        }
    }

    @Test("the PHP sentences for flags hold in PHP itself")
    func phpAgrees() async throws {
        let script = #"""
            $old = json_decode('{"e":"false","on":"true"}', true);
            $new = json_decode('{"e":false,"on":true}', true);
            echo json_encode([
                "old_false_matches" => $old["e"] == 'false', "new_false_matches" => $new["e"] == 'false',
                "new_true_identical" => $new["on"] === 'true', "new_true_equal" => $new["on"] == 'true',
                "string_false_truthy" => (bool)$old["e"],
            ]);
            """#
        let result = try await runProcess(try await PHPClient.executable(), ["-r", script])
        #expect(
            result.stdout
                == #"{"old_false_matches":true,"new_false_matches":false,"new_true_identical":false,"new_true_equal":true,"string_false_truthy":true}"#,
            "\(result.stdout)\(result.stderr)")
    }

    @Test("bad sides are usage errors that say what to give")
    func badSides() async throws {
        let binary = try fakepbxExecutable()
        let none = try await runProcess(binary, ["upgrade", "check", "--to", "5.5.7"])
        #expect(none.status == 64)
        #expect(none.stderr.contains("give the side before the upgrade: --from VERSION or --from-url URL"), "\(none.stderr)")
        let bad = try await runProcess(binary, ["upgrade", "check", "--from", "five", "--to", "5.5.7"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--from: 'five' is not valid; expected a version such as 5.4.9"), "\(bad.stderr)")
    }
}

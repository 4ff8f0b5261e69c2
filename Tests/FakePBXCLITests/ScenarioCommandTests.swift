import Foundation
import TestSupport
import Testing

@Suite("fakepbx scenario and policy flags")
struct ScenarioCommandTests {
    @Test func lintExitCodes() async throws {
        let binary = try fakepbxExecutable()
        let shipped = try FileManager.default.contentsOfDirectory(atPath: repositoryFile("scenarios").path)
            .filter { $0.hasSuffix(".yaml") }.map { repositoryFile("scenarios/\($0)").path }
        let ok = try await runProcess(binary, ["scenario", "lint"] + shipped)
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.split(separator: "\n").count == shipped.count)

        try await withTemporaryDirectory { dir in
            let bad = dir.appendingPathComponent("bad.yaml").path
            try "name: bad\npolicies:\n  ban_action: explode\n  jails: {fusionpbx: 1/2}\n".write(toFile: bad, atomically: true, encoding: .utf8)
            let invalid = try await runProcess(binary, ["scenario", "lint", bad])
            #expect(invalid.status == 1)
            #expect(invalid.stdout.contains("\(bad):3:15: /policies/ban_action: 'explode' is not valid; expected reset, drop or 403"))
            #expect(invalid.stdout.contains("\(bad):4:22: /policies/jails/fusionpbx: '1/2' is not valid; expected MAXRETRY/FINDTIME/BANTIME"))

            let missing = try await runProcess(binary, ["scenario", "lint", dir.appendingPathComponent("none.yaml").path])
            #expect(missing.status == 2)

            // serve refuses a bad scenario before listening, with the same message.
            let serve = try await runProcess(binary, ["serve", "--port", "0", "--scenario", bad])
            #expect(serve.status == 2)
            #expect(serve.stderr.contains("\(bad):3:15:"))
        }
    }

    @Test func policyFlagsAreCheckedAndAnnounced() async throws {
        let binary = try fakepbxExecutable()
        let badLimit = try await runProcess(binary, ["serve", "--port", "0", "--rate-limit", "standard=lots"])
        #expect(badLimit.status == 64)
        #expect(badLimit.stderr.contains("--rate-limit: 'standard=lots' is not valid; expected CLASS=COUNT/SECONDS"))
        let badJail = try await runProcess(binary, ["serve", "--port", "0", "--jail", "sshd=5/60/600"])
        #expect(badJail.status == 64)
        #expect(badJail.stderr.contains("with NAME one of fusionpbx, nginx-dos, nginx-404"))
        let badAction = try await runProcess(binary, ["serve", "--port", "0"], environment: ["FAKEPBX_BAN_ACTION": "teleport"])
        #expect(badAction.status == 64)
        #expect(badAction.stderr.contains("FAKEPBX_BAN_ACTION (environment): 'teleport' is not valid; expected reset, drop or 403"))

        let serve = try await LaunchedProcess(
            binary,
            [
                "serve", "--port", "0", "--fail2ban-profile", "ubuntu", "--jail", "nginx-dos=off", "--rate-limit", "cdr=0/60",
                "--ban-action", "drop", "--ignoreip", "10.0.0.0/8", "--scenario", repositoryFile("scenarios/flaky-cdr-export.yaml").path,
            ])
        defer { serve.signal(SIGTERM) }
        let lines = try await serve.waitForLines(6)
        #expect(
            lines[5]
                == "  policies: rate limits standard 100/60s, cdr off, gateway 50/60s per ip; jails fusionpbx 10/600/3600, nginx-404 120/60/3600; bans: drop; ignoreip 10.0.0.0/8"
        )
    }
}

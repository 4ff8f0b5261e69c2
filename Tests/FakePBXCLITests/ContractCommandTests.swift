import ContractKit
import FakePBX
import Foundation
import TestSupport
import Testing

@Suite("fakepbx contract")
struct ContractCommandTests {
    @Test func runAgainstTheFakePassesAndWritesReports() async throws {
        try await withFakePBX({ _ in }, clock: .system) { server in
            try await withTemporaryDirectory { dir in
                let junit = dir.appendingPathComponent("junit.xml").path
                let json = dir.appendingPathComponent("report.json").path
                let result = try await runProcess(
                    try fakepbxExecutable(),
                    ["contract", "run", "--timeout", "60", "--target", "http://127.0.0.1:\(server.port)", "--junit", junit, "--json", json],
                    environment: ["FAKEPBX_USERNAME": "admin", "FAKEPBX_PASSWORD": "your-password"]
                )
                #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
                // One step is for whitelist-only targets; this one is multi.
                #expect(result.stdout.contains("0 failed, 1 skipped, 0 errors"), "\(result.stdout)")
                #expect(result.stdout.hasSuffix("all contracts hold\n"))
                let xml = try String(contentsOfFile: junit, encoding: .utf8)
                #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"contract run\""))
                #expect(xml.contains("failures=\"0\""))
                let report = try String(contentsOfFile: json, encoding: .utf8)
                #expect(report.contains("\"format\": \"fakepbx-contract-report/1\""))
                #expect(!report.contains("your-password"))

                let readOnly = try await runProcess(
                    try fakepbxExecutable(),
                    [
                        "contract", "run", "--timeout", "60", "--target", "http://127.0.0.1:\(server.port)", "--username", "admin", "--password",
                        "your-password",
                        "--read-only", "--case", "provisioning", "--quiet",
                    ]
                )
                #expect(readOnly.status == 0, "\(readOnly.stdout)\(readOnly.stderr)")
                #expect(readOnly.stdout.contains("16 checks, 0 passed, 0 failed, 16 skipped"), "\(readOnly.stdout)")
            }
        }
    }

    @Test func usageErrorsExit64AndUnreachableTargetsExit2() async throws {
        let binary = try fakepbxExecutable()
        let noTarget = try await runProcess(binary, ["contract", "run"])
        #expect(noTarget.status == 64)
        #expect(noTarget.stderr.contains("--target"))

        let port = try await withFakePBX { $0.port }
        try await withTemporaryDirectory { dir in
            // CI still gets a JUnit file, with one test case in error that says why.
            let junit = dir.appendingPathComponent("junit.xml").path
            let unreachable = try await runProcess(
                binary, ["contract", "run", "--timeout", "60", "--target", "http://127.0.0.1:\(port)", "--timeout", "2", "--junit", junit])
            #expect(unreachable.status == 2)
            #expect(
                unreachable.stderr.contains("http://127.0.0.1:\(port): no answer from the server: connection refused: nothing listens there"),
                "\(unreachable.stderr)")
            #expect(!unreachable.stderr.contains("errno"), "in words, not NIO's text: \(unreachable.stderr)")
            let xml = try String(contentsOfFile: junit, encoding: .utf8)
            #expect(xml.contains(#"tests="1" failures="0" errors="1""#), "\(xml)")
            #expect(xml.contains(#"<testcase classname="contracts.connection" name="the target answers""#), "\(xml)")
            #expect(xml.contains("no answer from the server"), "\(xml)")
        }

        let unknownCase = try await runProcess(
            binary, ["contract", "run", "--timeout", "60", "--target", "http://127.0.0.1:\(port)", "--case", "nope"])
        #expect(unknownCase.status == 64)
        #expect(unknownCase.stderr.contains("--case: no case named 'nope'; the cases are: negative, provisioning, read-only"))

        let missingCassette = try await runProcess(binary, ["contract", "check", "/nonexistent/c.json"])
        #expect(missingCassette.status == 2)
        #expect(missingCassette.stderr.contains("/nonexistent/c.json: cannot read the cassette"))
    }

    /// The fake's own documented limits (10 CDR calls a minute) trip a second run; here a tighter one
    /// trips the first. Windows are fixed (aligned to the clock) and let one CDR call through each, so
    /// the case's six CDR calls all pass only if they come more than 60 s apart in all, each in a
    /// window of its own; the whole case took 37 s in a stress run (where 2 a window let every call
    /// through). The runner must wait as Retry-After says, and say so.
    @Test func runWaitsForRateLimitsUpToMaxWait() async throws {
        try await withFakePBX({ $0.rateLimits[.cdr] = .init(limit: 1, window: 12) }, clock: .system) { server in
            let binary = try fakepbxExecutable()
            let base = [
                "contract", "run", "--timeout", "60", "--target", server.httpURL(), "--username", "admin", "--password", "your-password", "--case",
                "read-only",
            ]
            let waited = try await runProcess(binary, base)
            #expect(waited.status == 0, "\(waited.stdout)\(waited.stderr)")
            #expect(waited.stderr.contains(#/contract run: [^\n]*CDR[^\n]*: status 429, waiting \d+ s/#), "\(waited.stderr)")
            #expect(waited.stderr.contains("as the server asks (Retry-After: "), "\(waited.stderr)")
            #expect(waited.stdout.contains(#/NOTE read-only: [^\n]*: status 429, waiting/#), "\(waited.stdout)")

            let impatient = try await runProcess(binary, base + ["--max-wait", "0"])
            #expect(impatient.status == 1, "\(impatient.stdout)")
            #expect(impatient.stdout.contains("status 429; the case expects 200"), "\(impatient.stdout)")
            #expect(impatient.stdout.contains("not waited: the run has waited 0 s and --max-wait is 0 s"), "\(impatient.stdout)")

            let negative = try await runProcess(binary, base + ["--max-wait", "-1"])
            #expect(negative.status == 64, "\(negative.stderr)")
            #expect(negative.stderr.contains("--max-wait: '-1.0' is not valid"), "\(negative.stderr)")
        }
    }

    @Test func varPinsAValueThatCapturesWouldReplace() async throws {
        try await withFakePBX({ _ in }, clock: .system) { server in
            let domains = try await server.json("/app/domains/manage_domain.php", ["action": "list"])
            let names = try #require((domains["domains"] as? [[String: Any]])?.compactMap { $0["domain_name"] as? String })
            try #require(names.count >= 2, "the default dataset has more than one tenant")
            let second = names[1]
            let result = try await runProcess(
                try fakepbxExecutable(),
                [
                    "contract", "run", "--timeout", "60", "--target", server.httpURL(), "--username", "admin", "--password", "your-password",
                    "--case", "read-only",
                    "--var", "domain=\(second)",
                ]
            )
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            let journal = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/journal?action=list&limit=500")
            #expect(journal.text.contains("\"domain_name\":\"\(second)\""), "\(journal.text.prefix(2000))")
            #expect(!journal.text.contains("\"domain_name\":\"\(names[0])\""), "the first tenant, which list domains captures, must not be used")
        }
    }

    @Test func authProfileTellsTheNegativeCaseWhatToExpect() async throws {
        try await withFakePBX({ $0.authProfile = .whitelistOnly }, clock: .system) { server in
            let binary = try fakepbxExecutable()
            let base = [
                "contract", "run", "--timeout", "60", "--target", server.httpURL(), "--username", "admin", "--password", "your-password", "--case",
                "negative",
            ]
            let wrong = try await runProcess(binary, base)
            #expect(wrong.status == 1, "a multi run against a whitelist-only target finds the wrong password accepted")
            #expect(wrong.stdout.contains("wrong password › expectations"), "\(wrong.stdout)")
            let right = try await runProcess(binary, base + ["--auth-profile", "whitelist-only"])
            #expect(right.status == 0, "\(right.stdout)")
            #expect(right.stdout.contains("2 skipped"), "\(right.stdout)")
            let bad = try await runProcess(binary, base + ["--auth-profile", "open"])
            #expect(bad.status == 64 && bad.stderr.contains("'open'"), "\(bad.stderr)")
        }
    }

    /// Against a server with Ubuntu's jails (fusionpbx: 10 failed logins in 10 minutes), a run with a
    /// wrong password stops at its first refused login, says why, and leaves the address unbanned.
    @Test func aWrongPasswordStopsTheRunBeforeTheTargetBansIt() async throws {
        try await withFakePBX({ $0.jails = Fail2banProfile.ubuntu.rules }, clock: .system) { server in
            for (arguments, hint) in [
                (["--username", "admin", "--password", "wrong"], "check --username/--password or --api-key"),
                ([], "this target wants credentials; give --username and --password, or --api-key"),
            ] {
                let result = try await runProcess(
                    try fakepbxExecutable(), ["contract", "run", "--timeout", "60", "--target", server.httpURL()] + arguments)
                #expect(result.status == 1)
                #expect(
                    result.stdout.contains("ERROR run stopped: the run could go on: stopped after the first refused login (401): \(hint)"),
                    "\(result.stdout)")
                let bans = try await server.control("GET", "bans")
                #expect(bans.text == #"{"bans":[]}"# + "\n", "\(bans.text)")
                let jails = try await server.control("GET", "jails")
                #expect(!jails.text.contains(#""failures":10"#), "\(jails.text)")
            }
        }
    }

    @Test func aRedirectIsReportedWithItsLocation() async throws {
        try await withFakePBX({ _ in }, clock: .system) { server in
            let fault = try await RawHTTPClient.request(
                port: server.port, method: "POST", path: "/__fakepbx/faults",
                body: #"{"type": "login-redirect", "match": {"endpoint": "status"}}"#, contentType: "application/json"
            )
            #expect(fault.status == 200, "\(fault.text)")
            let result = try await runProcess(
                try fakepbxExecutable(),
                [
                    "contract", "run", "--timeout", "60", "--target", server.httpURL(), "--username", "admin", "--password", "your-password",
                    "--case", "read-only",
                ]
            )
            #expect(result.status == 1)
            #expect(result.stdout.contains("status 302 to /?path=%2Fapp%2Fstatus%2Findex.php; the case expects 200"), "\(result.stdout)")
            #expect(
                result.stdout.contains("status 302 (Location: /?path=%2Fapp%2Fstatus%2Findex.php) is not part of status's contract"),
                "\(result.stdout)")
        }
    }

    @Test func checkValidatesCassettesOffline() async throws {
        let binary = try fakepbxExecutable()
        let docs = repositoryFile("Recordings/ictvoip-docs.json").path
        let ok = try await runProcess(binary, ["contract", "check", docs])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("contract check \(docs):"))

        try await withTemporaryDirectory { dir in
            // The same traffic with a billsec that became a string and a status that vanished.
            let text = try String(contentsOfFile: docs, encoding: .utf8)
                .replacingOccurrences(of: "\"total_records\": 1250", with: "\"total_records\": \"1250\"")
                .replacingOccurrences(of: "\"gateway_status\": \"UP\"", with: "\"gateway_state\": \"UP\"")
            let broken = dir.appendingPathComponent("broken.json").path
            try text.write(toFile: broken, atomically: true, encoding: .utf8)
            let junit = dir.appendingPathComponent("junit.xml").path
            let html = dir.appendingPathComponent("report.html").path
            let failed = try await runProcess(binary, ["contract", "check", broken, "--junit", junit, "--html", html])
            #expect(failed.status == 1)
            #expect(failed.stdout.contains("FAIL ictvoip-docs: export CDRs › body [export_cdr]"))
            #expect(failed.stdout.contains("body /total_records: expected integer, got string \"1250\""))
            #expect(failed.stdout.contains("body /gateways/0: required property \"gateway_status\" missing"))
            let xml = try String(contentsOfFile: junit, encoding: .utf8)
            #expect(xml.contains("failures=\"2\""))
            // The HTML report, opened in a real browser: the JUnit counts, and each violation at its pointer.
            let screenshot =
                ProcessInfo.processInfo.environment["FAKEPBX_SCREENSHOTS"] == "1"
                ? repositoryFile("docs/report.png").path : dir.appendingPathComponent("report.png").path
            let browser = try await runProcess(
                try python3(),
                [
                    repositoryFile("scripts/browser/report.py").path, html, junit,
                    "--pointer", "/total_records", "--pointer", "/gateways/0", "--screenshot", screenshot,
                ])
            #expect(browser.status == 0, "\(browser.stdout)\(browser.stderr)")
            #expect(browser.stdout.contains("ok    the violation at /gateways/0 is visible"), "\(browser.stdout)")
        }
    }

    @Test func aContractsFolderOverridesTheBuiltInOnes() async throws {
        let binary = try fakepbxExecutable()
        try await withTemporaryDirectory { dir in
            let copy = dir.appendingPathComponent("Contracts")
            try FileManager.default.copyItem(at: repositoryFile("Contracts"), to: copy)
            // A deployment that insists on a field the documentation does not show.
            let status = copy.appendingPathComponent("schemas/responses/status.json")
            let text = try String(contentsOf: status, encoding: .utf8)
                .replacingOccurrences(
                    of: "\"required\": [\n        \"status\",", with: "\"required\": [\n        \"load_average\",\n        \"status\",")
            try text.write(to: status, atomically: true, encoding: .utf8)
            let docs = repositoryFile("Recordings/ictvoip-docs.json").path
            let stricter = try await runProcess(binary, ["contract", "check", docs, "--contracts", copy.path])
            #expect(stricter.status == 1, "\(stricter.stdout)\(stricter.stderr)")
            #expect(stricter.stdout.contains("\"load_average\" missing"))

            let openapi = try await runProcess(binary, ["contract", "openapi"])
            #expect(openapi.status == 0)
            #expect(openapi.stdout == (try String(contentsOf: repositoryFile("docs/openapi.json"), encoding: .utf8)))

            let list = try await runProcess(binary, ["contract", "list", "--contracts", copy.path])
            #expect(list.stdout.hasPrefix("Contracts: \(copy.standardizedFileURL.path), 54 operations"))

            let broken = try await runProcess(binary, ["contract", "check", docs, "--contracts", dir.appendingPathComponent("none").path])
            #expect(broken.status == 2)
        }
    }

    @Test func serveVerifyClientIsAnnouncedAndStrictNeedsIt() async throws {
        let binary = try fakepbxExecutable()
        let strictAlone = try await runProcess(binary, ["serve", "--port", "0", "--strict"])
        #expect(strictAlone.status == 64)
        #expect(strictAlone.stderr.contains("--strict only applies with --verify-client"))

        let serve = try await LaunchedProcess(binary, ["serve", "--port", "0", "--verify-client", "--strict"])
        defer { serve.signal(SIGTERM) }
        let lines = try await serve.waitForLines(7)
        #expect(lines[6].hasPrefix("  client verification: strict (violations answered 400, built-in contracts); see http://127.0.0.1:"))
    }
}

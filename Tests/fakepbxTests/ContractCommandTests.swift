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
                    ["contract", "run", "--target", "http://127.0.0.1:\(server.port)", "--junit", junit, "--json", json],
                    environment: ["FAKEPBX_USERNAME": "admin", "FAKEPBX_PASSWORD": "your-password"]
                )
                #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
                #expect(result.stdout.contains("0 failed, 0 skipped, 0 errors"))
                #expect(result.stdout.hasSuffix("all contracts hold\n"))
                let xml = try String(contentsOfFile: junit, encoding: .utf8)
                #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"contract run\""))
                #expect(xml.contains("failures=\"0\""))
                let report = try String(contentsOfFile: json, encoding: .utf8)
                #expect(report.contains("\"format\": \"fakepbx-contract-report/1\""))
                #expect(!report.contains("your-password"))

                let readOnly = try await runProcess(
                    try fakepbxExecutable(),
                    ["contract", "run", "--target", "http://127.0.0.1:\(server.port)", "--username", "admin", "--password", "your-password",
                     "--read-only", "--case", "provisioning", "--quiet"]
                )
                #expect(readOnly.status == 0, "\(readOnly.stdout)\(readOnly.stderr)")
                #expect(readOnly.stdout.contains("16 checks, 0 passed, 0 failed, 16 skipped"), "\(readOnly.stdout)")
            }
        }
    }

    @Test func usageErrorsAndUnreachableTargetsExitWith2() async throws {
        let binary = try fakepbxExecutable()
        let noTarget = try await runProcess(binary, ["contract", "run"])
        #expect(noTarget.status == 2)
        #expect(noTarget.stderr.contains("--target"))

        let port = try await withFakePBX { $0.port }
        let unreachable = try await runProcess(binary, ["contract", "run", "--target", "http://127.0.0.1:\(port)", "--timeout", "2"])
        #expect(unreachable.status == 2)
        #expect(unreachable.stderr.contains("http://127.0.0.1:\(port): no answer from the server"))

        let unknownCase = try await runProcess(binary, ["contract", "run", "--target", "http://127.0.0.1:\(port)", "--case", "nope"])
        #expect(unknownCase.status == 2)
        #expect(unknownCase.stderr.contains("--case: no case named 'nope'; the cases are: negative, provisioning, read-only"))

        let missingCassette = try await runProcess(binary, ["contract", "check", "/nonexistent/c.json"])
        #expect(missingCassette.status == 2)
        #expect(missingCassette.stderr.contains("/nonexistent/c.json: cannot read the cassette"))
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
            let failed = try await runProcess(binary, ["contract", "check", broken, "--junit", junit])
            #expect(failed.status == 1)
            #expect(failed.stdout.contains("FAIL ictvoip-docs: export CDRs › body [export_cdr]"))
            #expect(failed.stdout.contains("body /total_records: expected integer, got string \"1250\""))
            #expect(failed.stdout.contains("body /gateways/0: required property \"gateway_status\" missing"))
            let xml = try String(contentsOfFile: junit, encoding: .utf8)
            #expect(xml.contains("failures=\"2\""))
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
                .replacingOccurrences(of: "\"required\": [\n        \"status\",", with: "\"required\": [\n        \"load_average\",\n        \"status\",")
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

        let serve = try LaunchedProcess(binary, ["serve", "--port", "0", "--verify-client", "--strict"])
        defer { serve.signal(SIGTERM) }
        let lines = try await serve.waitForLines(7)
        #expect(lines[6].hasPrefix("  client verification: strict (violations answered 400, built-in contracts); see http://127.0.0.1:"))
    }
}

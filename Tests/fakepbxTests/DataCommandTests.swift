import Foundation
import TestSupport
import Testing

@Suite("fakepbx data")
struct DataCommandTests {
    @Test func exportCheckAndServeTheExportedDataset() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("dataset.json").path
            let export = try await runProcess(try fakepbxExecutable(), ["data", "export", "--output", file])
            #expect(export.status == 0, "\(export.stderr)")
            let check = try await runProcess(try fakepbxExecutable(), ["data", "check", file])
            #expect(check.status == 0)
            #expect(check.stdout.hasPrefix("\(file): valid (5 domains, 17 extensions,"))

            let toStdout = try await runProcess(try fakepbxExecutable(), ["data", "export", "--data", file])
            #expect(toStdout.stdout == (try String(contentsOfFile: file, encoding: .utf8)), "re-exporting a dataset file gives it back unchanged")

            let server = try LaunchedProcess(try fakepbxExecutable(), ["serve", "--port", "0", "--data", file])
            let lines = try await server.waitForLines(1)
            let port = try #require(lines[0].firstMatch(of: #/:(\d+) \(/#).flatMap { Int($0.1) })
            let status = try await RawHTTPClient.post(port: port, path: "/app/status/index.php", [:])
            #expect(try status.json()["total_extensions"] as? Int == 17)
            server.signal(SIGTERM)
            _ = try await server.waitForExit(timeout: .seconds(5))
        }
    }

    @Test func badDatasetIsRefusedWithThePathOfTheBadField() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("bad.json")
            let json = #"{"format": "fakepbx-dataset/1", "domains": [{"domain_name": "a.example.com"}], "extensions": [{"domain_name": "a.example.com", "extension": "1x"}]}"#
            try json.write(to: file, atomically: true, encoding: .utf8)
            let check = try await runProcess(try fakepbxExecutable(), ["data", "check", file.path])
            #expect(check.status == 2)
            #expect(check.stderr.contains("\(file.path)#/extensions/0/extension: expected 2 to 10 digits, such as 1001"))
            let serve = try await runProcess(try fakepbxExecutable(), ["serve", "--port", "0", "--data", file.path])
            #expect(serve.status == 2)
            #expect(serve.stderr.contains("#/extensions/0/extension"))

            let missing = try await runProcess(try fakepbxExecutable(), ["serve", "--data", dir.appendingPathComponent("nope.json").path])
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("nope.json: cannot read the dataset file"))
        }
    }
}

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

            let server = try await LaunchedProcess(try fakepbxExecutable(), ["serve", "--port", "0", "--data", file])
            let lines = try await server.waitForLines(1)
            let port = try #require(bannerPort(lines[0]))
            let status = try await RawHTTPClient.post(port: port, path: "/app/status/index.php", [:])
            #expect(try status.json()["total_extensions"] as? Int == 17)
            server.signal(SIGTERM)
            _ = try await server.waitForExit(timeout: .seconds(30))
        }
    }

    @Test func badDatasetIsRefusedWithThePathOfTheBadField() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("bad.json")
            let json =
                #"{"format": "fakepbx-dataset/1", "domains": [{"domain_name": "a.example.com"}], "extensions": [{"domain_name": "a.example.com", "extension": "1x"}]}"#
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

    /// `data check` applies the API's own field rules (one set, FieldRules), and reports every problem:
    /// an unknown key no longer hides the rest.
    @Test func checkAppliesTheAPIsRulesAndReportsEveryProblem() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("dataset.json").path
            #expect(try await runProcess(try fakepbxExecutable(), ["data", "export", "--output", file]).status == 0)
            var root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
            root["bogus_key"] = 1
            var extensions = try #require(root["extensions"] as? [[String: Any]])
            extensions[0]["call_timeout"] = 99999
            root["extensions"] = extensions
            var gateways = try #require(root["gateways"] as? [[String: Any]])
            gateways[0]["register_transport"] = "carrier-pigeon"
            gateways[1]["enabled"] = "maybe"
            root["gateways"] = gateways
            // Values the decoder refuses do not hide the others, nor the rules checked after decoding.
            var domains = try #require(root["domains"] as? [[String: Any]])
            domains[1]["domain_enabled"] = "sometimes"
            root["domains"] = domains
            let bad = dir.appendingPathComponent("bad.json").path
            try JSONSerialization.data(withJSONObject: root).write(to: URL(fileURLWithPath: bad))

            let check = try await runProcess(try fakepbxExecutable(), ["data", "check", bad])
            #expect(check.status == 2)
            #expect(check.stderr.contains("\(bad)#/bogus_key: unknown field 'bogus_key'"), "\(check.stderr)")
            #expect(check.stderr.contains("\(bad)#/extensions/0/call_timeout: expected a whole number from 1 to 3600"), "\(check.stderr)")
            #expect(check.stderr.contains("\(bad)#/gateways/0/register_transport: expected one of: tcp, tls, udp"), "\(check.stderr)")
            #expect(check.stderr.contains("\(bad)#/gateways/1/enabled: expected true or false"), "\(check.stderr)")
            #expect(check.stderr.contains("\(bad)#/domains/1/domain_enabled: expected true or false"), "\(check.stderr)")
            #expect(!check.stderr.contains("no domain named"), "a record that could not be read is not reported again as missing: \(check.stderr)")

            // The API refuses the same values, with the same expectation.
            try await withFakePBX { server in
                let uuid = try #require(
                    (try await server.json("/app/extensions/manage_extension.php", ["action": "list"])["extensions"] as? [[String: Any]])?.first?[
                        "extension_uuid"] as? String)
                let refused = try await server.post(
                    "/app/extensions/manage_extension.php", ["action": "update", "extension_uuid": uuid, "call_timeout": "99999"])
                #expect(refused.status == 400)
                #expect(refused.text.contains("call_timeout '99999' is not valid: expected a whole number from 1 to 3600"), "\(refused.text)")
            }
        }
    }

    /// A stored CDR may give billmsec; it must be its billsec to the millisecond.
    @Test func aStoredCDRsBillmsecMustFitItsBillsec() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("cdrs.json")
            let cdr =
                #"{"domain_name": "a.example.com", "direction": "outbound", "start_epoch": 1795435200, "answer_epoch": 1795435205, "end_epoch": 1795435247, "billmsec": "#
            try (#"{"format": "fakepbx-dataset/1", "domains": [{"domain_name": "a.example.com"}], "cdrs": ["# + cdr + "42731}, " + cdr + "41999}]}")
                .write(to: file, atomically: true, encoding: .utf8)
            let check = try await runProcess(try fakepbxExecutable(), ["data", "check", file.path])
            #expect(check.status == 2)
            #expect(check.stderr.contains("#/cdrs/1/billmsec: billmsec 41999 does not fit billsec 42"), "\(check.stderr)")
            #expect(!check.stderr.contains("#/cdrs/0/"), "42731 is billsec 42 to the millisecond")
        }
    }
}

import Foundation
import TestSupport
import Testing

@Suite("fakepbx schema")
struct SchemaCommandTests {
    @Test func validateExitCodesAndMessages() async throws {
        try await withTemporaryDirectory { dir in
            func write(_ name: String, _ text: String) throws -> String {
                let path = dir.appendingPathComponent(name).path
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                return path
            }
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("refs"), withIntermediateDirectories: true)
            _ = try write(
                "refs/envelope.json", #"{"$id": "https://fakepbx.example/envelope.json", "type": "object", "required": ["status", "message"]}"#)
            let schema = try write(
                "status.json",
                #"{"allOf": [{"$ref": "https://fakepbx.example/envelope.json"}], "properties": {"active_calls": {"type": "integer", "minimum": 0}, "timestamp": {"format": "date-time"}}}"#
            )
            let good = try write(
                "good.json", #"{"status": "success", "message": "System operational", "active_calls": 5, "timestamp": "2024-01-15T10:30:00Z"}"#)
            let bad = try write("bad.json", #"{"status": "success", "active_calls": -1, "timestamp": "yesterday"}"#)
            let binary = try fakepbxExecutable()

            let ok = try await runProcess(
                binary, ["schema", "validate", "--schema", schema, "--ref-dir", dir.appendingPathComponent("refs").path, good])
            #expect(ok.status == 0, "\(ok.stderr)")
            #expect(ok.stdout == "\(good): valid\n")

            let invalid = try await runProcess(
                binary,
                ["schema", "validate", "--schema", schema, "--ref-dir", dir.appendingPathComponent("refs").path, "--format-assertion", good, bad])
            #expect(invalid.status == 1)
            #expect(invalid.stdout.contains("\(bad): invalid (3 errors)"))
            #expect(invalid.stdout.contains("  /active_calls: -1 is less than the minimum 0"))
            #expect(invalid.stdout.contains(#"  (root): required property "message" missing"#))
            #expect(invalid.stdout.contains(#"  /timestamp: "yesterday" is not a valid date-time"#))

            let json = try await runProcess(
                binary, ["schema", "validate", "--schema", schema, "--ref-dir", dir.appendingPathComponent("refs").path, "--output", "json", bad])
            #expect(json.stdout.hasPrefix(#"{"valid":false,"errors":[{"instanceLocation":"#))

            let unresolved = try await runProcess(binary, ["schema", "validate", "--schema", schema, good])
            #expect(unresolved.status == 2)
            #expect(unresolved.stderr.contains("#/allOf/0/$ref: cannot resolve https://fakepbx.example/envelope.json"))

            let broken = try write("broken.json", "{\"type\": \"object\",\n  \"type\": \"array\"}")
            let badSchema = try await runProcess(binary, ["schema", "validate", "--schema", broken, good])
            #expect(badSchema.status == 2)
            #expect(badSchema.stderr.contains("\(broken): line 2, column 3: duplicate key \"type\""))

            let missing = try await runProcess(binary, ["schema", "validate", "--schema", schema, dir.appendingPathComponent("nope.json").path])
            #expect(missing.status == 2)
        }
    }

    /// The project's own contracts refer to each other by relative file paths (`../common.json#/$defs/uuid`).
    @Test func refDirResolvesTheContractsRelativeReferences() async throws {
        let contracts = repositoryFile("Contracts/schemas")
        let binary = try fakepbxExecutable()
        try await withTemporaryDirectory { dir in
            let answer = dir.appendingPathComponent("answer.json").path
            let wrong = dir.appendingPathComponent("wrong.json").path
            let broken = dir.appendingPathComponent("broken.json").path
            try #"{"status":"success","message":"ok","count":0,"gateways":[]}"#
                .write(toFile: answer, atomically: true, encoding: .utf8)
            try #"{"status":"success","message":"ok","gateways":[{"gateway_uuid":"not-a-uuid"}]}"#.write(
                toFile: wrong, atomically: true, encoding: .utf8)
            try "{\"result\": ".write(toFile: broken, atomically: true, encoding: .utf8)
            // The search path finds responses/…, whose own "../common.json" references resolve beside it.
            let schema = dir.appendingPathComponent("list.json").path
            try #"{"$ref": "responses/manage_gateway.json#/$defs/list"}"#.write(toFile: schema, atomically: true, encoding: .utf8)
            let result = try await runProcess(
                binary, ["schema", "validate", "--schema", schema, "--ref-dir", contracts.path, "--format-assertion", broken, wrong, answer])
            // The unreadable file is reported and the rest of the batch still validated; exit 2 wins.
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("\(broken): line 1"), "\(result.stderr)")
            #expect(result.stdout.contains("\(wrong): invalid"), "\(result.stdout)")
            #expect(result.stdout.contains("common.json#/$defs/uuid"), "\(result.stdout)")
            #expect(result.stdout.contains("\(answer): valid"), "\(result.stdout)")
            #expect(!result.stderr.contains("cannot resolve"))

            // A relative reference that names nothing beside the schema is looked up in --ref-dir.
            let refs = dir.appendingPathComponent("refs")
            try FileManager.default.createDirectory(at: refs, withIntermediateDirectories: true)
            try #"{"type": "string"}"#.write(toFile: refs.appendingPathComponent("b.json").path, atomically: true, encoding: .utf8)
            let a = dir.appendingPathComponent("a.json").path
            try #"{"$ref": "b.json"}"#.write(toFile: a, atomically: true, encoding: .utf8)
            let string = dir.appendingPathComponent("string.json").path
            try #""text""#.write(toFile: string, atomically: true, encoding: .utf8)
            let searched = try await runProcess(binary, ["schema", "validate", "--schema", a, "--ref-dir", refs.path, string, answer])
            #expect(searched.status == 1, "\(searched.stderr)")
            #expect(
                searched.stdout
                    == "\(string): valid\n\(answer): invalid (1 error)\n  (root): expected string, got object {\"status\":\"success\",\"message\":\"ok\",\"count\":0,\"gateways\":[]}\n    at /$ref/type (\(URL(fileURLWithPath: refs.path).absoluteString)b.json#/type)\n",
                "\(searched.stdout)")
            let unresolved = try await runProcess(binary, ["schema", "validate", "--schema", a, string])
            #expect(unresolved.status == 2 && unresolved.stderr.contains("cannot resolve b.json"))
            // A file beside the schema needs no --ref-dir.
            try #"{"type": "string"}"#.write(toFile: dir.appendingPathComponent("b.json").path, atomically: true, encoding: .utf8)
            let beside = try await runProcess(binary, ["schema", "validate", "--schema", a, string])
            #expect(beside.status == 0, "\(beside.stderr)")
        }
    }

    @Test func testSuiteCommandEndsWithTheSummaryLine() async throws {
        let suite = try sharedFolder("JSON-Schema-Test-Suite")
        let result = try await runProcess(try fakepbxExecutable(), ["schema", "test-suite", suite.path])
        #expect(result.status == 0, "\(result.stdout.suffix(2000))")
        let last = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.wholeMatch(of: #/\d+ passed, 0 failed/#) != nil, "last line was \(last)")

        let optional = try await runProcess(try fakepbxExecutable(), ["schema", "test-suite", "--optional", suite.path])
        #expect(optional.status == 1, "optional tests with no known-failures list must report failures")
    }
}

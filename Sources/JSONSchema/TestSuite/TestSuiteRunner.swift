import Foundation

/// Runs a folder in the JSON-Schema-Test-Suite layout (`tests/draft2020-12/...` and `remotes/`).
public struct TestSuiteRunner: Sendable {
    /// One test whose outcome differed from the suite's expectation.
    public struct Failure: Sendable, CustomStringConvertible {
        /// `file.json: group description / test description`, the key used in known-failures files.
        public var id: String
        public var expectedValid: Bool
        public var detail: String
        public var description: String {
            "FAIL \(id): expected \(expectedValid ? "valid" : "invalid"); \(detail)"
        }
    }

    public struct Report: Sendable {
        public var passed = 0
        public var failures: [Failure] = []
        /// Failures that were listed as known.
        public var knownFailures: [Failure] = []
        public var failed: Int { failures.count + knownFailures.count }
        public var summary: String { "\(passed) passed, \(failed) failed" }
    }

    public var directory: String
    public var draft: String
    /// Also run `optional/` (format tests with format assertion on).
    public var includeOptional: Bool
    /// Test ids (see ``Failure/id``) expected to fail.
    public var knownFailures: Set<String>

    public init(directory: String, draft: String = "draft2020-12", includeOptional: Bool = false, knownFailures: Set<String> = []) {
        self.directory = directory
        self.draft = draft
        self.includeOptional = includeOptional
        self.knownFailures = knownFailures
    }

    public func run() throws -> Report {
        let tests = URL(fileURLWithPath: directory).appendingPathComponent("tests").appendingPathComponent(draft)
        guard FileManager.default.fileExists(atPath: tests.path) else {
            throw SchemaFileError(path: tests.path, message: "not a JSON-Schema-Test-Suite folder: tests/\(draft) is missing")
        }
        var registry = SchemaRegistry()
        let remotes = URL(fileURLWithPath: directory).appendingPathComponent("remotes").path
        if FileManager.default.fileExists(atPath: remotes) {
            try registry.addFolder(remotes, baseURI: "http://localhost:1234/")
        }
        var files = try FileManager.default.contentsOfDirectory(atPath: tests.path).filter { $0.hasSuffix(".json") }.sorted()
        if includeOptional {
            for sub in ["optional", "optional/format"] {
                let folder = tests.appendingPathComponent(sub).path
                let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
                files += names.filter { $0.hasSuffix(".json") }.sorted().map { "\(sub)/\($0)" }
            }
        }
        var report = Report()
        for file in files {
            let document = try SchemaRegistry.readDocument(tests.appendingPathComponent(file).path)
            let assertFormats = file.hasPrefix("optional/format/")
            for group in document.arrayValue ?? [] {
                let groupName = group["description"]?.stringValue ?? "?"
                let validator: Result<Validator, SchemaError>
                do {
                    validator = .success(try Validator(schema: group["schema"] ?? .bool(true), registry: registry, formatAssertion: assertFormats))
                } catch {
                    validator = .failure(error)
                }
                for test in group["tests"]?.arrayValue ?? [] {
                    let id = "\(file): \(groupName) / \(test["description"]?.stringValue ?? "?")"
                    let expected = test["valid"] == .bool(true)
                    var detail = ""
                    var ok = false
                    switch validator {
                    case .success(let validator):
                        let result = validator.validate(test["data"] ?? .null)
                        // The fast yes/no path must always agree with the full evaluation.
                        let fast = validator.isValid(test["data"] ?? .null)
                        ok = result.isValid == expected && fast == expected
                        detail = result.isValid ? "it passed" : "errors: " + result.errors.prefix(3).map(\.description).joined(separator: "; ")
                        if fast != result.isValid { detail += " (isValid answered \(fast))" }
                    case .failure(let error):
                        detail = "the schema did not compile: \(error)"
                    }
                    if ok {
                        report.passed += 1
                    } else if knownFailures.contains(id) {
                        report.knownFailures.append(Failure(id: id, expectedValid: expected, detail: detail))
                    } else {
                        report.failures.append(Failure(id: id, expectedValid: expected, detail: detail))
                    }
                }
            }
        }
        return report
    }
}

import ArgumentParser
import Foundation
import JSONSchema

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Validate JSON against draft 2020-12 schemas, and run the official test suite.",
        subcommands: [Validate.self, TestSuite.self]
    )

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Validate JSON instance files against a schema.",
            discussion:
                "Exit status: 0 all valid, 1 some invalid (errors listed per instance), 2 bad schema or an unreadable instance file (the others are still validated)."
        )

        @Option(help: "The schema file.") var schema: String
        @Option(
            help:
                "A folder of schemas that references may name (by $id, or by file path), searched for a relative reference that names nothing beside the schema. Repeatable."
        )
        var refDir: [String] = []
        @Flag(help: "Treat format as an assertion (date-time, email, ipv4, uuid, ...), not only an annotation.")
        var formatAssertion = false
        @Option(help: "How results are printed: text, or json (the standard \"basic\" output, one document per instance).")
        var output: OutputFormat = .text
        @Argument(help: "Instance files to validate.") var instances: [String]

        enum OutputFormat: String, CaseIterable, ExpressibleByArgument { case text, json }

        func validate() throws {
            if instances.isEmpty { throw ValidationError("give at least one instance file to validate") }
        }

        func run() throws {
            let validator: Validator
            var registry = SchemaRegistry()
            // A relative `$ref` to a file beside the schema is read from disk, as a user expects.
            registry.readsFiles = true
            for folder in refDir {
                try registry.addFolder(folder, baseURI: SchemaRegistry.fileBaseURI(ofFolder: folder))
            }
            let document = try SchemaRegistry.readDocument(schema)
            validator = try Validator(
                schema: document, uri: URL(fileURLWithPath: schema).standardizedFileURL.absoluteString, registry: registry,
                formatAssertion: formatAssertion
            )
            var anyInvalid = false
            var unreadable = 0
            for path in instances {
                let instance: JSONValue
                do {
                    instance = try SchemaRegistry.readDocument(path)
                } catch {
                    // Reported, and the rest of the batch is still validated.
                    printError("\(error)")
                    unreadable += 1
                    continue
                }
                let result = validator.validate(instance)
                anyInvalid = anyInvalid || !result.isValid
                switch output {
                case .json:
                    print(result.basicOutput.serialized())
                case .text:
                    print("\(path): \(result.isValid ? "valid" : "invalid (\(counted(result.errors.count, "error")))")")
                    for error in result.errors {
                        print("  \(error.instanceLocation.isEmpty ? "(root)" : error.instanceLocation): \(error.message)")
                        print("    at \(error.keywordLocation.isEmpty ? "(root)" : error.keywordLocation) (\(error.absoluteKeywordLocation))")
                    }
                }
            }
            if unreadable > 0 { throw ExitCode(2) }
            if anyInvalid { throw ExitCode.failure }
        }
    }

    struct TestSuite: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test-suite",
            abstract: "Run a folder in the JSON-Schema-Test-Suite layout (tests/draft2020-12 and remotes/).",
            discussion: "Prints each failure and ends with 'N passed, M failed'. Exit 1 when a test fails that --known-failures does not list."
        )

        @Argument(help: "The suite folder (containing tests/ and remotes/).") var directory: String
        @Flag(help: "Also run tests/draft2020-12/optional (format tests with format assertion on).") var optional = false
        @Option(help: "A file of test ids expected to fail, one per line ('file.json: group / test'); # comments.")
        var knownFailures: String?

        func run() throws {
            var known = Set<String>()
            if let knownFailures {
                guard let text = try? String(contentsOfFile: knownFailures, encoding: .utf8) else {
                    throw InputError("\(knownFailures): cannot read the known-failures file")
                }
                known = Set(text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") })
            }
            let report: TestSuiteRunner.Report
            report = try TestSuiteRunner(directory: directory, includeOptional: optional, knownFailures: known).run()
            for failure in report.failures { print(failure) }
            for failure in report.knownFailures { print("known \(failure)") }
            print(report.summary)
            if !report.failures.isEmpty { throw ExitCode.failure }
        }
    }
}

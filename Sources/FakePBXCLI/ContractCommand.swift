import ArgumentParser
import ContractKit
import Foundation
import JSONSchema

struct ContractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contract",
        abstract: "Check a billing client, fakepbx or a real PBX against the API contracts.",
        discussion: """
            The contracts (JSON Schemas and a catalog, see Contracts/) are built into fakepbx; --contracts DIR \
            uses an adapted copy instead. Exit codes: 0 every contract holds, 1 violations, 2 unreadable contracts or cassettes, or \
            target unreachable.
            """,
        subcommands: [Run.self, Check.self, Diff.self, OpenAPI.self, List.self]
    )

    /// Options every contract subcommand shares.
    struct Common: ParsableArguments {
        @Option(help: "A contracts folder (catalog.json, schemas/, cases/) to use instead of the built-in one.")
        var contracts: String?

        func catalog() throws -> ContractCatalog {
            return try ContractCatalog.load(folder: contracts)
        }
    }

    /// Report files every checking subcommand can write.
    struct Reports: ParsableArguments {
        @Option(help: "Write a JUnit XML report (GitLab, GitHub, Jenkins) to this file.") var junit: String?
        @Option(help: "Write a JSON report to this file.") var json: String?
        @Option(help: "Write a self-contained HTML report to this file (keep it as a CI artifact).") var html: String?
        @Flag(help: "Print only the summary line, not each failure.") var quiet = false

        /// Prints the console summary, writes the report files and exits with the report's code.
        func finish(_ report: ContractReport, exitCode: Int32? = nil) throws {
            let summary = report.consoleSummary()
            print(quiet ? String(summary.split(separator: "\n").last ?? "") : summary)
            try report.write(junit: junit, json: json, html: html)
            let code = exitCode ?? report.exitCode
            if code != 0 { throw ExitCode(code) }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run the contract cases against a server and check every answer.",
            discussion: """
                Runs Contracts/cases/: every read endpoint, the provisioning flow with clean-up, and negative \
                calls (missing parameters, bad credentials). Credentials can also come from FAKEPBX_USERNAME, \
                FAKEPBX_PASSWORD and FAKEPBX_API_KEY, so CI secrets stay off the command line.
                """
        )

        @Option(help: "The server's base URL, e.g. http://127.0.0.1:8080 or https://pbx.example.com.") var target: String
        @Option(
            name: .customLong("var"),
            help: "A value for {{NAME}} in the cases, as NAME=VALUE (e.g. domain=tenant.example.com); it wins over what a step would capture.")
        var variables: [String] = []
        @Option(name: .customLong("case"), help: "Run only this case (repeatable); see 'fakepbx contract list'.") var cases: [String] = []
        @Option(help: "What the target enforces: whitelist-only (credentials not checked), password or multi. Steps for other profiles are skipped.")
        var authProfile: AuthProfile = .multi
        @OptionGroup var client: ClientOptions
        @OptionGroup var common: Common
        @OptionGroup var reports: Reports

        func validate() throws {
            for item in variables where !item.contains("=") {
                throw ValidationError("--var: '\(item)' is not valid; expected NAME=VALUE")
            }
        }

        func run() async throws {
            let catalog = try common.catalog()
            var configuration = try client.configuration(target: target, label: "contract run")
            configuration.cases = cases
            configuration.authProfile = authProfile
            for item in variables {
                let parts = item.split(separator: "=", maxSplits: 1)
                configuration.variables[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
            }
            let report: ContractReport
            do {
                report = try await ContractRunner(catalog: catalog, configuration: configuration).run()
            } catch  where error.code == .unreachable {
                // CI still gets a report: one test case in error that says why.
                printError("\(error)")
                try reports.finish(.unreachable(title: "contract run", target: target, message: error.description), exitCode: 2)
                return
            } catch {
                throw error
            }
            try reports.finish(report)
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate every request and response of recorded cassettes, offline."
        )

        @Argument(help: "Cassette files (fakepbx-cassette/1), e.g. Recordings/ictvoip-docs.json.") var cassettes: [String]
        @OptionGroup var common: Common
        @OptionGroup var reports: Reports

        func validate() throws {
            if cassettes.isEmpty { throw ValidationError("give at least one cassette file") }
        }

        func run() throws {
            let catalog = try common.catalog()
            var loaded: [(path: String, cassette: Cassette)] = []
            for path in cassettes {
                loaded.append((path, try Cassette.load(contentsOf: path)))
            }
            try reports.finish(catalog.check(cassettes: loaded))
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "Compare two cassettes (before and after an upgrade): operations, fields, types, statuses, CSV and XML.",
            discussion: """
                One check per cause, named as upgrade check names its findings, listing every operation and \
                field where it shows. Breaking: an operation or field gone, a field retyped, a boolean that became \
                a string (or back), a change of statuses, a CSV column renamed, removed or moved. Not breaking \
                (listed as notes): an operation or field added. Exit 1 on any breaking cause not accepted.
                """
        )

        @Argument(help: "The cassette recorded before.") var old: String
        @Argument(help: "The cassette recorded after.") var new: String
        @Option(help: "Finding ids a team has reviewed, one per line ('#' comments): reported, not failed.") var accept: String?
        @OptionGroup var common: Common
        @OptionGroup var reports: Reports

        func run() throws {
            let catalog = try common.catalog()
            let accepted = try accept.map { path throws(ContractError) in try UpgradeCheck.acceptedIDs(file: path) } ?? []
            let before = try Cassette.load(contentsOf: old)
            let after = try Cassette.load(contentsOf: new)
            try reports.finish(
                CassetteDiff.report(old: (old, before), new: (new, after), catalog: catalog, accepted: accepted, acceptedFile: accept))
        }
    }

    struct OpenAPI: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "openapi",
            abstract: "Print an OpenAPI 3.1 document built from the contracts (for Prism, Schemathesis, Postman)."
        )

        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Write to this file (atomically) instead of standard output.") var output: String?

        func run() throws {
            let catalog = try common.catalog()
            let bytes = OpenAPIDocument(catalog: catalog).json.fileBytes
            guard let output else {
                FileHandle.standardOutput.write(Data(bytes))
                return
            }
            do {
                try AtomicFile.write(bytes, to: output)
            } catch {
                throw InputError("\(output): cannot write the document: \(error.localizedDescription)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the operations and cases of the contracts.")

        @OptionGroup var common: Common

        func run() throws {
            let catalog = try common.catalog()
            print("Contracts: \(catalog.files.origin), \(catalog.operations.count) operations")
            for operation in catalog.operations {
                let methods = operation.methods.joined(separator: ",")
                let pad = String(repeating: " ", count: max(1, 34 - operation.id.count))
                print("  \(operation.id)\(pad)\(methods) \(operation.path)  [\(operation.provenance.rawValue), \(operation.rateLimitClass)]")
            }
            let cases = try ContractCase.all(in: catalog)
            print("Cases:")
            for item in cases {
                print("  \(item.name) (\(item.steps.count + item.cleanup.count) steps\(item.writes ? ", writes" : "")): \(item.description)")
            }
        }
    }
}

extension AuthProfile: ExpressibleByArgument {}

import ArgumentParser
import FakePBX
import Foundation

struct ScenarioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario",
        abstract: "Work with YAML scenarios (see scenarios/ and docs/faults-and-scenarios.md).",
        subcommands: [Lint.self]
    )

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lint",
            abstract: "Check scenario files; print every problem as FILE:LINE:COLUMN: what is wrong and what is expected.",
            discussion: "Exit codes: 0 every file is valid, 1 a file has problems, 2 a file cannot be read."
        )

        @Argument(help: "Scenario files.") var files: [String]

        func validate() throws {
            if files.isEmpty { throw ValidationError("give at least one scenario file") }
        }

        func run() throws {
            var problems = false
            for file in files {
                guard FileManager.default.isReadableFile(atPath: file) else {
                    throw InputError("\(file): cannot read the file (check the path and permissions)")
                }
                do {
                    let scenario = try Scenario.load(contentsOf: file)
                    print("\(file): valid (\(scenario.name): \(scenario.faults.count) faults, \(scenario.timeline.count) timeline steps)")
                } catch {
                    problems = true
                    print(error.description)
                }
            }
            if problems { throw ExitCode.failure }
        }
    }
}

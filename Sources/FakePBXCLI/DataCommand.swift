import ArgumentParser
import FakePBX
import Foundation
import JSONSchema

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Work with tenant datasets.",
        subcommands: [Export.self, Check.self]
    )

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Print a dataset as JSON: the embedded default, or --data FILE after validation.",
            discussion: "Edit the output and pass it to 'fakepbx serve --data FILE'."
        )

        @Option(help: "Dataset file to export instead of the embedded one.") var data: String?
        @Option(name: .shortAndLong, help: "Write to this file (atomically) instead of standard output.") var output: String?

        func run() throws {
            let json: Data
            let dataset = try data.map(Dataset.load(contentsOf:)) ?? .defaultDataset
            json = try dataset.encodedJSON() + Data("\n".utf8)
            guard let output else {
                FileHandle.standardOutput.write(json)
                return
            }
            do {
                try AtomicFile.write(json, to: output)
            } catch {
                throw InputError("\(output): cannot write the dataset: \(error.localizedDescription)")
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate a dataset file; prints every bad field with its JSON pointer (exit 0 valid, 2 invalid)."
        )

        @Argument(help: "Dataset file.") var file: String

        func run() throws {
            let dataset = try Dataset.load(contentsOf: file)
            print("\(file): valid (\(dataset.domains.count) domains, \(dataset.extensions.count) extensions, \(dataset.cdrs.count) CDRs)")
        }
    }
}

/// Writes `Error: MESSAGE` to standard error, as ArgumentParser writes its own.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
}

/// "1 error", "3 errors": a count with its noun in the right number.
func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

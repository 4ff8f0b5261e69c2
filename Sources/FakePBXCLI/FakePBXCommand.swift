import ArgumentParser
import FakePBX
import Foundation
import NIOCore
import NIOPosix

@main
struct FakePBXCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fakepbx",
        abstract: "A scriptable fake FusionPBX with the ictVoIP API set, for testing billing clients.",
        version: FakePBXConfiguration.toolVersion,
        subcommands: [
            ServeCommand.self, DataCommand.self, SchemaCommand.self, ContractCommand.self, ScenarioCommand.self, RecordCommand.self,
            RecordingCommand.self, BundleCommand.self, CDRCommand.self, UpgradeCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )

    /// ArgumentParser's, with one place that maps every error to its message and exit code:
    /// usage errors exit 64 with the usage of the subcommand that was given, errors a command
    /// throws exit as ``CommandFailure`` says, and `help` with an unknown subcommand is an error.
    static func main() async {
        // Swift Concurrency runs on NIO's event loops: no thread hop between the socket and the
        // handler (about 2x the requests per second on 2 cores; docs/performance.md).
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let problem = unknownHelpTopic(arguments) {
            printError(problem)
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        var parsed: (any ParsableCommand.Type)?
        do {
            var command = try parseAsRoot(arguments)
            parsed = type(of: command)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let error as ExitCode {
            Foundation.exit(error.rawValue)
        } catch let error as ValidationError {
            // Thrown by run(): reported with the usage of the command that was given, not the root's.
            let command = parsed ?? FakePBXCommand.self
            let usage = usageString(for: command)
            let path = usage.split(separator: " ").prefix { !$0.hasPrefix("<") && !$0.hasPrefix("[") && !$0.hasPrefix("-") }.joined(separator: " ")
            printError("\(error.message)\nUsage: \(usage)\n  See '\(path) --help' for more information.")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        } catch let error where isArgumentParserError(error) {
            exit(withError: error)
        } catch {
            let (code, message) = CommandFailure.exitCode(for: error)
            printError(message)
            Foundation.exit(code)
        }
    }

    private static func isArgumentParserError(_ error: any Error) -> Bool {
        error is ValidationError || error is CleanExit || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }

    /// `fakepbx help bogus` names the unknown topic instead of printing the top-level help with exit 0.
    private static func unknownHelpTopic(_ arguments: [String]) -> String? {
        guard arguments.first == "help", arguments.count > 1 else { return nil }
        var command: any ParsableCommand.Type = FakePBXCommand.self
        for name in arguments.dropFirst() where !name.hasPrefix("-") {
            let subcommands = command.configuration.subcommands
            let names = subcommands.map { commandName(of: $0) }
            guard let index = names.firstIndex(of: name) else {
                let known = names.joined(separator: ", ")
                return "no command '\(name)' to help with; the commands are: \(known)"
            }
            command = subcommands[index]
        }
        return nil
    }

    private static func commandName(of type: any ParsableCommand.Type) -> String { type._commandName }
}

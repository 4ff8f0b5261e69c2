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
        subcommands: [ServeCommand.self, DataCommand.self, SchemaCommand.self, ContractCommand.self, ScenarioCommand.self, RecordCommand.self, RecordingCommand.self, BundleCommand.self, CDRCommand.self],
        defaultSubcommand: ServeCommand.self
    )

    /// As ArgumentParser's, except that `contract` reports usage errors with exit code 2, the code CI
    /// scripts check for "the check could not run" (the other commands keep EX_USAGE, 64).
    static func main() async {
        // Swift Concurrency runs on NIO's event loops: no thread hop between the socket and the
        // handler (about 2x the requests per second on 2 cores; docs/performance.md).
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            if CommandLine.arguments.dropFirst().first == "contract", exitCode(for: error) == .validationFailure {
                printError(fullMessage(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

import ArgumentParser
import FakePBX

@main
struct FakePBXCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fakepbx",
        abstract: "A scriptable fake FusionPBX with the ictVoIP API set, for testing billing clients.",
        version: FakePBXConfiguration.toolVersion,
        subcommands: [ServeCommand.self, DataCommand.self, SchemaCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}

import Foundation
import PackagePlugin

/// Compiles every file of the `Contracts/` folder (the `ContractFiles` target) into Swift source, so
/// the `fakepbx` binary carries its contracts and works from any folder.
///
/// The contract files are the target's own files, so SwiftPM notices a file added or removed and
/// re-plans; editing one re-runs the command, since every file is an input.
@main
struct EmbedContracts: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        guard let module = target.sourceModule else { return [] }
        let inputs = module.sourceFiles.map(\.url).filter { !$0.lastPathComponent.hasPrefix(".") && $0.pathExtension != "swift" }.sorted {
            $0.path < $1.path
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedContracts.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) contract files",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [
                    context.package.directoryURL.appending(path: "scripts/embed-contracts.sh").path,
                    module.directoryURL.path,
                    context.pluginWorkDirectoryURL.path,
                ],
                inputFiles: inputs + [context.package.directoryURL.appending(path: "scripts/embed-contracts.sh")],
                outputFiles: [output]
            )
        ]
    }
}

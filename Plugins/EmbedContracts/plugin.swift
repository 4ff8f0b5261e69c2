import Foundation
import PackagePlugin

/// Compiles every file under the package's `Contracts/` folder into the target as Swift source, so
/// the `fakepbx` binary carries its contracts and works from any folder.
@main
struct EmbedContracts: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "Contracts")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedContracts.swift")
        var inputs: [URL] = []
        if let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) {
            for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
                inputs.append(url)
            }
        }
        inputs.sort { $0.path < $1.path }
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) contract files",
                executable: try context.tool(named: "EmbedContractsTool").url,
                arguments: [folder.path, output.path],
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}

import ContractsData
import Foundation
import JSONSchema

/// The files of a contracts folder: `catalog.json`, `schemas/` and `cases/`.
///
/// The copy compiled into the binary is used unless a folder is given (`--contracts DIR`), so the tool
/// works from any directory and users can adapt the contracts to their deployment.
public struct ContractFiles: Sendable {
    /// Where the files came from: `embedded` or the folder's path.
    public let origin: String
    /// File contents by path relative to the folder, e.g. `schemas/common.json`.
    public let files: [String: [UInt8]]

    public init(origin: String, files: [String: [UInt8]]) {
        self.origin = origin
        self.files = files
    }

    /// The contracts compiled into fakepbx.
    public static let embedded: ContractFiles = {
        var files: [String: [UInt8]] = [:]
        for (path, text) in EmbeddedContracts.files { files[path] = Array(text.utf8) }
        return ContractFiles(origin: "embedded", files: files)
    }()

    /// Every file below `folder`.
    /// - Throws: ``ContractError`` when the folder cannot be read or has no `catalog.json`.
    public static func folder(_ folder: String) throws(ContractError) -> ContractFiles {
        let root = URL(fileURLWithPath: folder).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ContractError(.fileAccess, "no such folder; give a copy of fakepbx's Contracts/ folder", at: folder)
        }
        var files: [String: [UInt8]] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true,
                !url.lastPathComponent.hasPrefix(".")
            else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(root.path.count + 1))
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw ContractError(.fileAccess, "cannot read the file (check its permissions)", at: url.path)
            }
            files[relative] = Array(data)
        }
        guard files["catalog.json"] != nil else {
            throw ContractError(.invalidContracts, "no catalog.json in the folder; give a copy of fakepbx's Contracts/ folder", at: folder)
        }
        return ContractFiles(origin: root.path, files: files)
    }

    /// The parsed JSON file at `path`.
    func document(_ path: String) throws(ContractError) -> JSONValue {
        guard let bytes = files[path] else {
            throw ContractError(.invalidContracts, "the file is missing from the contracts", at: displayPath(path))
        }
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw ContractError(.invalidContracts, "not valid JSON: \(error)", at: displayPath(path))
        }
    }

    /// `path` as a user finds it: inside the folder, or marked as embedded.
    func displayPath(_ path: String) -> String {
        origin == "embedded" ? "Contracts/\(path) (embedded)" : "\(origin)/\(path)"
    }

    /// Paths below `folder` (e.g. `cases/`) with the given extension, sorted.
    func paths(under folder: String, ext: String) -> [String] {
        files.keys.filter { $0.hasPrefix(folder) && $0.hasSuffix(ext) }.sorted()
    }
}

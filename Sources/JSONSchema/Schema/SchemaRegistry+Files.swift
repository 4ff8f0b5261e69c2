import Foundation

extension SchemaRegistry {
    /// Adds every `.json` file below `folder`, each under `baseURI` plus its relative path
    /// (`http://localhost:1234/` + `draft2020-12/integer.json`), or under its own `$id` when it has one.
    /// - Throws: an error naming the file and position of the first unreadable or invalid document.
    public mutating func addFolder(_ folder: String, baseURI: String) throws {
        let root = URL(fileURLWithPath: folder).standardizedFileURL
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw SchemaFileError(path: folder, message: "cannot read the folder")
        }
        addFolderBase(baseURI)
        for case let url as URL in enumerator where url.pathExtension == "json" {
            let relative = String(url.standardizedFileURL.path.dropFirst(root.path.count + 1))
            let document = try SchemaRegistry.readDocument(url.path)
            add(document, uri: baseURI + relative)
            if case .string(let id)? = document["$id"], URIReference(id).scheme != nil {
                add(document, uri: id)
            }
        }
    }

    /// The `file:` base URI of a folder, ending in exactly one `/`.
    public static func fileBaseURI(ofFolder folder: String) -> String {
        let uri = URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL.absoluteString
        return uri.hasSuffix("/") ? uri : uri + "/"
    }

    /// Reads and parses one JSON file.
    public static func readDocument(_ path: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SchemaFileError(path: path, message: "cannot read the file (check the path and permissions)")
        }
        do {
            return try JSONParser.parse(Array(data))
        } catch {
            throw SchemaFileError(path: path, message: "\(error)")
        }
    }
}

/// A schema or instance file that cannot be read or parsed.
public struct SchemaFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

import Foundation

/// Schema documents by URI, used to resolve `$ref`, `$dynamicRef` and `$schema`. Nothing is fetched
/// from the network: documents are added explicitly (or from folders, see `addFolder`).
public struct SchemaRegistry: Sendable {
    private(set) var documents: [String: JSONValue] = [:]
    /// Base URIs of the folders added with `addFolder`, searched in order for a relative reference
    /// that names nothing beside the schema that makes it.
    private(set) var folderBases: [URIReference] = []
    /// Whether a `file:` URI that names no registered document is read from disk (a schema's
    /// neighbours, as `schema validate` finds them). Off by default: nothing is read unasked.
    public var readsFiles = false

    /// A registry holding the draft 2020-12 meta-schemas.
    public init() {
        for (uri, text) in MetaSchemas.draft202012 {
            // The embedded meta-schemas are generated from valid JSON.
            documents[uri] = try! JSONParser.parse(text)
        }
    }

    /// Adds `document` under `uri` (absolute; a fragment is ignored). Its embedded `$id`s are found
    /// when it is compiled.
    public mutating func add(_ document: JSONValue, uri: String) {
        documents[URIReference(uri).withoutFragment.description] = document
    }

    mutating func addFolderBase(_ uri: String) { folderBases.append(URIReference(uri)) }

    func document(at uri: String) -> JSONValue? {
        if let document = documents[uri] { return document }
        guard readsFiles, uri.hasPrefix("file://"), let url = URL(string: uri), url.isFileURL else { return nil }
        return try? SchemaRegistry.readDocument(url.path)
    }

    /// The URIs of every document in the registry.
    public var uris: [String] { documents.keys.sorted() }
}

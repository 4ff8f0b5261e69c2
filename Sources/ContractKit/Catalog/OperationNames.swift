import JSONSchema

/// The operations' names as `fakepbx contract list` shows them (`status`, `export_cdr`,
/// `manage_gateway.create`), with the path and `action` each stands for: what a fault's or a
/// scenario step's `endpoint:` names. Read from the embedded catalog without compiling its schemas.
public enum OperationNames {
    public struct Target: Sendable, Hashable {
        public var path: String
        /// The `action` field the operation needs, for the action-based scripts.
        public var action: String?
    }

    /// Every operation of the embedded contracts, by name.
    public static let embedded: [String: Target] = {
        guard let document = try? ContractFiles.embedded.document("catalog.json"), let operations = document["operations"]?.arrayValue else {
            return [:]
        }
        var targets: [String: Target] = [:]
        for operation in operations {
            guard let id = operation["id"]?.stringValue, let path = operation["path"]?.stringValue else { continue }
            targets[id] = Target(path: path, action: operation["match"]?["action"]?.stringValue)
        }
        return targets
    }()

    /// The operation a request to `path` with this `action` is: `manage_extension.create`, `status`.
    public static func name(path: String, action: String?) -> String? {
        byTarget[Target(path: path, action: action)] ?? byTarget[Target(path: path, action: nil)]
    }

    private static let byTarget: [Target: String] = {
        var names: [Target: String] = [:]
        for (name, target) in embedded { names[target] = name }
        return names
    }()

    /// What `name` stands for: an operation name, or a script name with or without `.php` (every
    /// operation at that path). `nil` for a name that is neither.
    public static func targets(_ name: String) -> [Target]? {
        if let target = embedded[name] { return [target] }
        let script = name.hasSuffix(".php") ? name : name + ".php"
        let paths = Set(embedded.values.map(\.path).filter { $0.hasSuffix("/" + script) })
        return paths.isEmpty ? nil : paths.sorted().map { Target(path: $0, action: nil) }
    }
}

import JSONSchema

/// How rows are written for the emulated FusionPBX version: up to 5.4 flag columns are the text
/// `'true'`/`'false'`; from 5.5 they are real booleans.
struct RenderStyle: Sendable {
    let nativeBooleans: Bool

    init(_ version: PBXVersion) { self.nativeBooleans = version.usesNativeBooleans }

    func flag(_ value: Bool) -> JSONValue {
        nativeBooleans ? .bool(value) : .string(value ? "true" : "false")
    }
}

extension Dataset {
    /// `domain_uuid` of a domain by name, or null.
    func domainUUID(_ name: String?) -> JSONValue {
        guard let name, let domain = domains.first(where: { $0.name == name }) else { return .null }
        return .string(domain.uuid)
    }
}

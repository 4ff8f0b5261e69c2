import JSONSchema

/// How rows are written for the emulated FusionPBX release (see ``FusionPBXRelease``): flag columns
/// are the text `'true'`/`'false'` before 5.5.2 and real booleans from then on; `domain_enabled` is a
/// boolean in every release modelled.
struct RenderStyle: Sendable {
    let release: FusionPBXRelease
    /// The (virtual) time of the request, for what changes with time (registrations expiring).
    let now: Int

    init(_ release: FusionPBXRelease, now: Int) {
        self.release = release
        self.now = now
    }

    /// A text flag column (`enabled`, `register`, ...).
    func flag(_ value: Bool) -> JSONValue {
        release.booleanFlags ? .bool(value) : .string(value ? "true" : "false")
    }

    /// `domain_enabled`: boolean since FusionPBX 5.0.1.
    func domainFlag(_ value: Bool) -> JSONValue { .bool(value) }
}

extension Dataset {
    /// `domain_uuid` of a domain by name, or null.
    func domainUUID(_ name: String?) -> JSONValue {
        guard let name, let domain = domains.first(where: { $0.name == name }) else { return .null }
        return .string(domain.uuid)
    }
}

import JSONSchema

extension Domain: ManagedResource {
    static let singular = "domain"
    static let plural = "domains"
    static let title = "Domain"
    static let uuidField = "domain_uuid"
    static var table: WritableKeyPath<Dataset, [Self]> { \.domains }

    static func locate(_ request: APIRequest, in dataset: Dataset) throws -> Int {
        let uuid = request.string("domain_uuid")
        let name = request.domainName
        if uuid == nil && name == nil { throw APIError.missingParameters(["domain_name"]) }
        return try dataset.domainIndex(uuid: uuid, name: name)
    }

    static func make(_ request: APIRequest, in dataset: Dataset) throws -> Domain {
        let name = try request.require([APIRequest.domainAliases])[0].lowercased()
        if let problem = ModelError.invalid("domain_name", FieldRules.domainName(name), value: name) { throw problem }
        var domain = Domain(uuid: UUIDv4.random(), name: name)
        try domain.apply(request)
        return domain
    }

    mutating func apply(_ request: APIRequest) throws {
        try request.assign("domain_description", to: &description)
        // `enabled` is an alias, as in the list filter; every alias given is checked.
        if let flag = try request.bool("domain_enabled", "enabled") { enabled = flag }
        try request.assign("time_zone", to: &timeZone, rule: FieldRules.timeZone)
        var plan = numberingPlan.rawValue
        try request.assign("numbering_plan", to: &plan) { NumberingPlan(rawValue: $0) == nil ? "nanp, au or uk" : nil }
        numberingPlan = NumberingPlan(rawValue: plan) ?? numberingPlan
    }

    func validate(in dataset: Dataset, replacing index: Int?) throws {
        if dataset.domains.enumerated().contains(where: { $0.offset != index && $0.element.name == name }) {
            throw ModelError(.conflict, "domain '\(name)' already exists")
        }
    }

    static func delete(at index: Int, from dataset: inout Dataset) throws {
        let name = dataset.domains[index].name
        let dependents = [
            ("extension", dataset.extensions.filter { $0.domainName == name }.count),
            ("gateway", dataset.gateways.filter { $0.domainName == name }.count),
            ("destination", dataset.destinations.filter { $0.domainName == name }.count),
            ("outbound route", dataset.outboundRoutes.filter { $0.domainName == name }.count),
        ].filter { $0.1 > 0 }
        if !dependents.isEmpty {
            let list = dependents.map { "\($0.1) \($0.0)\($0.1 == 1 ? "" : "s")" }.joined(separator: ", ")
            throw ModelError(.conflict, "domain '\(name)' still has \(list); delete or move them first")
        }
        dataset.domains.remove(at: index)
        // Like FusionPBX's domain delete, the tenant's history goes with it.
        dataset.cdrs.removeAll { $0.domainName == name }
        dataset.cdrGeneration?.domains[name] = nil
        dataset.activeCalls.removeAll { $0.domainName == name }
    }

    static func list(_ request: APIRequest, in dataset: Dataset) throws -> [Domain] {
        let enabled = try request.bool("domain_enabled", "enabled")
        return dataset.domains.filter { enabled == nil || $0.enabled == enabled }
    }

    func json(_ style: RenderStyle, in dataset: Dataset) -> JSONValue {
        [
            "domain_uuid": .string(uuid), "domain_parent_uuid": .null, "domain_name": .string(name),
            "domain_enabled": style.domainFlag(enabled), "domain_description": .string(description),
            "time_zone": .string(timeZone), "numbering_plan": .string(numberingPlan.rawValue),
            "extension_count": .int(dataset.extensions.filter { $0.domainName == name }.count),
        ]
    }
}

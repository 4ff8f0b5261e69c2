import JSONSchema

extension Destination: ManagedResource {
    static let singular = "destination"
    static let plural = "destinations"
    static let title = "Destination"
    static let uuidField = "destination_uuid"
    static var table: WritableKeyPath<Dataset, [Self]> { \.destinations }

    static func locate(_ request: APIRequest, in dataset: Dataset) throws -> Int {
        if let uuid = request.string(uuidField) { return try index(ofUUID: uuid, in: dataset) }
        let number = try request.require([["destination_number"]])[0]
        guard let index = dataset.destinations.firstIndex(where: { $0.number == number }) else {
            throw ModelError(.notFound, "no destination for number \(number)")
        }
        return index
    }

    static func make(_ request: APIRequest, in dataset: Dataset) throws -> Destination {
        let values = try request.require([["destination_number"], APIRequest.domainAliases])
        let domain = dataset.domains[try dataset.domainIndex(named: values[1])].name
        if let problem = ModelError.invalid("destination_number", FieldRules.phoneNumber(values[0]), value: values[0]) {
            throw problem
        }
        var destination = Destination(uuid: UUIDv4.random(), domainName: domain, number: values[0], app: "transfer", data: "")
        try destination.apply(request)
        return destination
    }

    mutating func apply(_ request: APIRequest) throws {
        try request.assign("destination_type", to: &type) { FieldRules.oneOf($0, Destination.types) }
        try request.assign("destination_prefix", to: &prefix)
        try request.assign("destination_caller_id_name", to: &callerIDName)
        try request.assign("destination_context", to: &context)
        try request.assign("destination_app", to: &app)
        try request.assign("destination_data", to: &data)
        try request.assign("destination_enabled", to: &enabled)
        try request.assign("destination_description", to: &description)
    }

    func validate(in dataset: Dataset, replacing index: Int?) throws {
        if let other = dataset.destinations.enumerated().first(where: { $0.offset != index && $0.element.number == number }) {
            throw ModelError(.conflict, "number \(number) is already routed to domain '\(other.element.domainName)'")
        }
    }

    static func list(_ request: APIRequest, in dataset: Dataset) throws -> [Destination] {
        let domain = try dataset.domainNamed(by: request)
        return dataset.destinations.filter { domain == nil || $0.domainName == domain }
    }

    func json(_ style: RenderStyle, in dataset: Dataset) -> JSONValue {
        var row: JSONObject = [
            "destination_uuid": .string(uuid), "domain_uuid": dataset.domainUUID(domainName),
            "domain_name": .string(domainName), "destination_type": .string(type),
            "destination_number": .string(number), "destination_prefix": .string(prefix),
            "destination_caller_id_name": .string(callerIDName), "destination_context": .string(context),
            "destination_app": .string(app), "destination_data": .string(data),
            "destination_enabled": style.flag(enabled), "destination_description": .string(description),
        ]
        // Columns by release (app/destinations/app_config.php): destination_email from 5.4, provider_uuid from 5.5.
        if style.release.destinationEmail { row["destination_email"] = .null }
        if style.release.destinationProvider { row["provider_uuid"] = .null }
        return .object(row)
    }
}

extension Endpoint {
    static let manageDestinations = Endpoint.manage(
        Destination.self, path: "/app/destinations/manage_destinations.php", app: .destinations, rateClass: .standard
    )
}

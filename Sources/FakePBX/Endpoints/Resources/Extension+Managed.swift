import JSONSchema

extension Extension: ManagedResource {
    static let singular = "extension"
    static let plural = "extensions"
    static let title = "Extension"
    static let uuidField = "extension_uuid"
    static var table: WritableKeyPath<Dataset, [Self]> { \.extensions }

    static func locate(_ request: APIRequest, in dataset: Dataset) throws -> Int {
        if let uuid = request.string("extension_uuid") {
            return try dataset.extensionIndex(uuid: uuid, number: nil, domainName: nil)
        }
        let values = try request.require([["extension"], APIRequest.domainAliases])
        return try dataset.extensionIndex(uuid: nil, number: values[0], domainName: values[1].lowercased())
    }

    static func make(_ request: APIRequest, in dataset: Dataset) throws -> Extension {
        let values = try request.require([["extension"], APIRequest.domainAliases])
        let domain = dataset.domains[try dataset.domainIndex(named: values[1])].name
        if let problem = ModelError.invalid("extension", FieldRules.extensionNumber(values[0]), value: values[0]) {
            throw problem
        }
        var record = Extension(uuid: UUIDv4.random(), domainName: domain, number: values[0], password: ExtensionPassword.random())
        try record.apply(request)
        return record
    }

    mutating func apply(_ request: APIRequest) throws {
        try request.assign("password", to: &password)
        try request.assign("extension_password", to: &password)
        try request.assign("effective_caller_id_name", to: &effectiveCallerIDName)
        try request.assign("effective_caller_id_number", to: &effectiveCallerIDNumber)
        try request.assign("outbound_caller_id_name", to: &outboundCallerIDName)
        try request.assign("outbound_caller_id_number", to: &outboundCallerIDNumber)
        try request.assign("directory_first_name", to: &directoryFirstName)
        try request.assign("directory_last_name", to: &directoryLastName)
        try request.assign("call_timeout", to: &callTimeout, in: FieldRules.callTimeout)
        try request.assign("limit_max", to: &limitMax, in: FieldRules.limitMax)
        try request.assign("toll_allow", to: &tollAllow)
        try request.assign("enabled", to: &enabled)
        try request.assign("description", to: &description)
    }

    func validate(in dataset: Dataset, replacing index: Int?) throws {
        let clash = dataset.extensions.enumerated().contains {
            $0.offset != index && $0.element.domainName == domainName && $0.element.number == number
        }
        if clash { throw ModelError(.conflict, "extension \(number) already exists in domain '\(domainName)'") }
    }

    static func delete(at index: Int, from dataset: inout Dataset) throws {
        let removed = dataset.extensions.remove(at: index)
        dataset.registrations.removeAll { $0.domainName == removed.domainName && $0.extensionNumber == removed.number }
    }

    static func list(_ request: APIRequest, in dataset: Dataset) throws -> [Extension] {
        let domain = try dataset.domainNamed(by: request)
        let enabled = try request.bool("enabled")
        return dataset.extensions.filter { ext in
            (domain == nil || ext.domainName == domain) && (enabled == nil || ext.enabled == enabled)
        }
    }

    /// The SIP password is never included; it is returned once, by create.
    func json(_ style: RenderStyle, in dataset: Dataset) -> JSONValue {
        let registered = dataset.liveRegistrations(at: style.now).contains { $0.domainName == domainName && $0.extensionNumber == number }
        return [
            "extension_uuid": .string(uuid), "domain_uuid": dataset.domainUUID(domainName),
            "domain_name": .string(domainName), "extension": .string(number),
            "effective_caller_id_name": .string(effectiveCallerIDName),
            "effective_caller_id_number": .string(effectiveCallerIDNumber),
            "outbound_caller_id_name": .string(outboundCallerIDName),
            "outbound_caller_id_number": .string(outboundCallerIDNumber),
            "directory_first_name": .string(directoryFirstName), "directory_last_name": .string(directoryLastName),
            "accountcode": .string(domainName), "user_context": .string(domainName),
            "call_timeout": .int(callTimeout), "limit_max": .string(String(limitMax)), "toll_allow": .string(tollAllow),
            "enabled": style.flag(enabled), "description": .string(description),
            "registered": .string(registered ? "yes" : "no"),
        ]
    }

    var creationExtras: JSONObject { ["password": .string(password)] }
}

import JSONSchema

extension Gateway: ManagedResource {
    static let singular = "gateway"
    static let plural = "gateways"
    static let title = "Gateway"
    static let uuidField = "gateway_uuid"
    static var table: WritableKeyPath<Dataset, [Self]> { \.gateways }

    static func locate(_ request: APIRequest, in dataset: Dataset) throws -> Int {
        if let uuid = request.string("gateway_uuid") {
            return try dataset.gatewayIndex(uuid: uuid, name: nil, domainName: nil)
        }
        let name = try request.require([["gateway", "gateway_name"]])[0]
        return try dataset.gatewayIndex(uuid: nil, name: name, domainName: request.domainName)
    }

    static func make(_ request: APIRequest, in dataset: Dataset) throws -> Gateway {
        let values = try request.require([["gateway", "gateway_name"], ["proxy"]])
        let domain = try dataset.domainNamed(by: request)
        if let problem = ModelError.invalid("gateway", FieldRules.gatewayName(values[0]), value: values[0]) { throw problem }
        var gateway = Gateway(uuid: UUIDv4.random(), domainName: domain, name: values[0], username: "", password: "", proxy: values[1])
        try gateway.apply(request)
        return gateway
    }

    mutating func apply(_ request: APIRequest) throws {
        try request.assign("username", to: &username)
        try request.assign("gateway_username", to: &username)
        try request.assign("password", to: &password)
        try request.assign("gateway_password", to: &password)
        try request.assign("proxy", to: &proxy, rule: FieldRules.host)
        try request.assign("realm", to: &realm)
        try request.assign("from_domain", to: &fromDomain)
        try request.assign("register", to: &register)
        try request.assign("register_transport", to: &registerTransport) { FieldRules.oneOf($0, FieldRules.registerTransports) }
        try request.assign("expire_seconds", to: &expireSeconds, in: FieldRules.gatewaySeconds)
        try request.assign("retry_seconds", to: &retrySeconds, in: FieldRules.gatewaySeconds)
        try request.assign("profile", to: &profile)
        try request.assign("context", to: &context)
        try request.assign("enabled", to: &enabled)
        try request.assign("description", to: &description)
    }

    func validate(in dataset: Dataset, replacing index: Int?) throws {
        let clash = dataset.gateways.enumerated().contains {
            $0.offset != index && $0.element.name == name && $0.element.domainName == domainName
        }
        if clash { throw ModelError(.conflict, "gateway '\(name)' already exists in \(domainName ?? "the global scope")") }
    }

    static func delete(at index: Int, from dataset: inout Dataset) throws {
        let gateway = dataset.gateways[index]
        let routes = dataset.outboundRoutes.filter { $0.gatewayUUID == gateway.uuid }.map(\.name)
        if !routes.isEmpty {
            throw ModelError(
                .conflict,
                "gateway '\(gateway.name)' is used by outbound routes \(routes.joined(separator: ", ")); delete them or point them at another gateway first"
            )
        }
        dataset.gateways.remove(at: index)
    }

    static func list(_ request: APIRequest, in dataset: Dataset) throws -> [Gateway] {
        let domain = try dataset.domainNamed(by: request)
        return dataset.gateways.filter { domain == nil || $0.domainName == domain }
    }

    /// FusionPBX's columns, less the password, plus sofia's live `state` and `status`.
    func json(_ style: RenderStyle, in dataset: Dataset) -> JSONValue {
        [
            "gateway_uuid": .string(uuid), "domain_uuid": dataset.domainUUID(domainName),
            "domain_name": domainName.map(JSONValue.string) ?? .null, "gateway": .string(name),
            "username": .string(username), "proxy": .string(proxy), "realm": .string(realm),
            "from_domain": .string(fromDomain), "register": style.flag(register),
            "register_transport": .string(registerTransport), "expire_seconds": .int(expireSeconds),
            "retry_seconds": .int(retrySeconds), "profile": .string(profile), "context": .string(context),
            "enabled": style.flag(enabled), "description": .string(description),
            "state": .string(state ?? ""), "status": .string(status),
        ]
    }

    /// The documented provision/provision_list shape (flags always the strings `"true"`/`"false"`).
    var provisionJSON: JSONObject {
        [
            "gateway_uuid": .string(uuid), "gateway_name": .string(name), "gateway_domain": .string(proxy),
            "gateway_enabled": .string(enabled ? "true" : "false"),
        ]
    }
}

extension Endpoint {
    static let manageGateway = Endpoint.manage(Gateway.self, path: "/app/gateways/manage_gateway.php", app: .gateways, rateClass: .gateway)

    /// `provision.php`: create or update a gateway by name. Documented.
    ///
    /// `gateway_domain` is the SIP server the gateway registers to (FusionPBX's `proxy`). Creating needs
    /// all four documented fields; updating an existing gateway needs only `gateway_name`.
    static let provisionGateway = Endpoint(
        "/app/gateways/provision.php", app: .gateways, rateClass: .gateway, provenance: .documented
    ) { request, server in
        let name = try request.require([["gateway_name"]])[0]
        let gateway = try server.store.write { dataset in
            let domain = try dataset.domainNamed(by: request)
            if let index = dataset.gateways.firstIndex(where: { $0.name == name && $0.domainName == domain }) {
                var gateway = dataset.gateways[index]
                try request.assign("gateway_domain", to: &gateway.proxy, rule: FieldRules.host)
                try gateway.apply(request)
                try request.assign("gateway_enabled", to: &gateway.enabled)
                dataset.gateways[index] = gateway
                return gateway
            }
            // A name alone is a valid request (it updates that gateway); with no such gateway there is
            // nothing to update, and nothing to create it from.
            let creation = ["gateway_domain", "gateway_username", "gateway_password"]
            let missing = creation.filter { request.string($0) == nil }
            if !missing.isEmpty {
                throw ModelError(
                    .notFound,
                    "no gateway '\(name)'\(domain.map { " in \($0)" } ?? "") to update; to create it, give \(missing.joined(separator: ", ")) too"
                )
            }
            let values = try request.require(creation.map { [$0] })
            if let problem = ModelError.invalid("gateway_name", FieldRules.gatewayName(name), value: name) { throw problem }
            if let problem = ModelError.invalid("gateway_domain", FieldRules.host(values[0]), value: values[0]) { throw problem }
            var gateway = Gateway(
                uuid: UUIDv4.random(), domainName: domain, name: name, username: values[1], password: values[2], proxy: values[0]
            )
            try gateway.apply(request)
            try request.assign("gateway_enabled", to: &gateway.enabled)
            dataset.gateways.append(gateway)
            return gateway
        }
        return .success("Gateway configured successfully", gateway.provisionJSON)
    }

    /// `provision_list.php`: every gateway with its live status. Documented.
    static let provisionList = Endpoint(
        "/app/gateways/provision_list.php", app: .gateways, rateClass: .gateway, provenance: .documented
    ) { request, server in
        let gateways = try server.store.read { dataset in try Gateway.list(request, in: dataset) }
        let items = gateways.map { gateway -> JSONValue in
            var object = gateway.provisionJSON
            object["gateway_status"] = .string(gateway.status)
            return .object(object)
        }
        return .success("Gateways retrieved successfully", ["gateways": .array(items)])
    }
}

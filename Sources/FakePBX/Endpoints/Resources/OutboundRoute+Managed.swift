import JSONSchema

extension OutboundRoute: ManagedResource {
    static let singular = "outbound_route"
    static let plural = "outbound_routes"
    static let title = "Outbound route"
    static let uuidField = "dialplan_uuid"
    static var table: WritableKeyPath<Dataset, [Self]> { \.outboundRoutes }

    /// FusionPBX's Outbound Routes app uuid, stamped on every outbound dialplan.
    static let appUUID = "8c914ec3-9fc0-8ab5-4cda-6c9288bdc9a3"

    static func locate(_ request: APIRequest, in dataset: Dataset) throws -> Int {
        if let uuid = request.string(uuidField) { return try index(ofUUID: uuid, in: dataset) }
        let values = try request.require([["dialplan_name"], APIRequest.domainAliases])
        let domain = values[1].lowercased()
        guard let index = dataset.outboundRoutes.firstIndex(where: { $0.name == values[0] && $0.domainName == domain }) else {
            throw ModelError(.notFound, "no outbound route named '\(values[0])' in domain '\(domain)'")
        }
        return index
    }

    /// Without `dialplan_name`, the route is named as dialplan_outbound_add.php names it: `<gateway>.<abbrv>`.
    static func make(_ request: APIRequest, in dataset: Dataset) throws -> OutboundRoute {
        let values = try request.require([APIRequest.domainAliases, ["dialplan_expression"], ["gateway_uuid"]])
        let domain = dataset.domains[try dataset.domainIndex(named: values[0])].name
        var route = OutboundRoute(uuid: UUIDv4.random(), domainName: domain, name: "", expression: values[1], gatewayUUID: values[2])
        try route.apply(request)
        if let name = request.string("dialplan_name") {
            route.name = name
        } else {
            let gateway = dataset.gateways.first { $0.uuid == route.gatewayUUID }?.name ?? "gateway"
            route.name = "\(gateway).\(OutboundRoute.abbreviation(of: route.expression))"
        }
        return route
    }

    mutating func apply(_ request: APIRequest) throws {
        try request.assign("dialplan_expression", to: &expression, rule: FieldRules.regex)
        try request.assign("gateway_uuid", to: &gatewayUUID, rule: FieldRules.uuid)
        gatewayUUID = gatewayUUID.lowercased()
        try request.assign("prefix_number", to: &prefixNumber)
        try request.assign("dialplan_order", to: &order, in: 0...999)
        try request.assign("dialplan_enabled", to: &enabled)
        try request.assign("dialplan_description", to: &description)
    }

    func validate(in dataset: Dataset, replacing index: Int?) throws {
        guard let gateway = dataset.gateways.first(where: { $0.uuid == gatewayUUID }) else {
            throw ModelError(.notFound, "no gateway with gateway_uuid \(gatewayUUID); create the gateway first")
        }
        if let owner = gateway.domainName, owner != domainName {
            throw ModelError(.conflict, "gateway '\(gateway.name)' belongs to domain '\(owner)', not '\(domainName)'")
        }
        let clash = dataset.outboundRoutes.enumerated().contains {
            $0.offset != index && $0.element.name == name && $0.element.domainName == domainName
        }
        if clash { throw ModelError(.conflict, "outbound route '\(name)' already exists in domain '\(domainName)'") }
    }

    /// Each route with its `call_direction-outbound` companion before it, as FusionPBX lists the
    /// Outbound Routes app's dialplans (the companion is read-only here and goes with its route).
    static func list(_ request: APIRequest, in dataset: Dataset) throws -> [OutboundRoute] {
        let domain = try dataset.domainNamed(by: request)
        return dataset.outboundRoutes.filter { domain == nil || $0.domainName == domain }.flatMap { route in
            [route.companion(gatewayName: dataset.gateways.first { $0.uuid == route.gatewayUUID }?.name ?? ""), route]
        }
    }

    func json(_ style: RenderStyle, in dataset: Dataset) -> JSONValue {
        let gatewayName = dataset.gateways.first { $0.uuid == gatewayUUID }?.name ?? ""
        return [
            "dialplan_uuid": .string(uuid), "app_uuid": .string(OutboundRoute.appUUID),
            "domain_uuid": dataset.domainUUID(domainName), "domain_name": .string(domainName),
            "dialplan_name": .string(name), "dialplan_context": .string(domainName),
            "dialplan_expression": .string(expression), "gateway_uuid": companionOf == nil ? .string(gatewayUUID) : .null,
            "gateway_name": .string(gatewayName), "prefix_number": .string(prefixNumber),
            "dialplan_order": .int(order), "dialplan_enabled": style.flag(enabled),
            "dialplan_description": .string(description),
        ]
    }
}

extension Endpoint {
    static let manageOutbound = Endpoint.manage(
        OutboundRoute.self, path: "/app/dialplan_outbound/manage_outbound.php", app: .outbound, rateClass: .standard
    )
}

/// An outbound route: a dialplan that sends numbers matching `expression` to a gateway.
public struct OutboundRoute: DatasetRecord, Hashable {
    public var uuid: String
    public var domainName: String
    public var name: String
    /// The `destination_number` condition regex, e.g. `^(?:\+1|1)?([2-9]\d{2}[2-9]\d{2}\d{4})$`.
    public var expression: String
    public var gatewayUUID: String
    public var prefixNumber: String
    public var order: Int
    public var enabled: Bool
    public var description: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case uuid = "dialplan_uuid", domainName = "domain_name", name = "dialplan_name"
        case expression = "dialplan_expression", gatewayUUID = "gateway_uuid", prefixNumber = "prefix_number"
        case order = "dialplan_order", enabled = "dialplan_enabled", description = "dialplan_description"
    }

    public init(uuid: String, domainName: String, name: String, expression: String, gatewayUUID: String) {
        self.uuid = uuid
        self.domainName = domainName
        self.name = name
        self.expression = expression
        self.gatewayUUID = gatewayUUID
        self.prefixNumber = ""
        self.order = 300
        self.enabled = true
        self.description = ""
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let domainName = try c.decode(String.self, forKey: .domainName)
        let name = try c.decode(String.self, forKey: .name)
        self.init(
            uuid: try c.value(.uuid, or: UUIDv4.derived(from: "outbound:\(name)@\(domainName)")),
            domainName: domainName,
            name: name,
            expression: try c.decode(String.self, forKey: .expression),
            gatewayUUID: try c.decode(String.self, forKey: .gatewayUUID)
        )
        prefixNumber = try c.value(.prefixNumber, or: "")
        order = try c.value(.order, or: 300)
        enabled = try c.value(.enabled, or: true)
        description = try c.value(.description, or: "")
    }
}

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
    /// Set on the `call_direction-outbound` dialplan listed with a route (see ``companion(gatewayName:)``):
    /// the route's uuid. Never stored.
    public var companionOf: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case uuid = "dialplan_uuid"
        case domainName = "domain_name"
        case name = "dialplan_name"
        case expression = "dialplan_expression"
        case gatewayUUID = "gateway_uuid"
        case prefixNumber = "prefix_number"
        case order = "dialplan_order"
        case enabled = "dialplan_enabled"
        case description = "dialplan_description"
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

extension OutboundRoute {
    /// dialplan_outbound_add.php's abbreviation of an expression it offers (`10-11-NANP`, `911`, ...);
    /// any other expression is made file-name safe.
    static func abbreviation(of expression: String) -> String {
        let known: [String: String] = [
            #"^(?:\+1|1)?([2-9]\d{2}[2-9]\d{2}\d{4})$"#: "10-11-NANP", #"^(011\d{9,17})$"#: "011.9-17d",
            #"^(?:\+1|1)?(8(00|33|44|55|66|77|88)[2-9]\d{6})$"#: "800", #"(^911$|^933$)"#: "911",
            #"(^311$)"#: "311", #"(^411$)"#: "411", #"(^711$)"#: "711", #"(^988$)"#: "988",
            #"^(\d{7})$"#: "7d", #"^(\d{8})$"#: "8d", #"^(\d{9})$"#: "9d", #"^(\d{10})$"#: "10d", #"^(\d{11})$"#: "11d",
        ]
        if let abbreviation = known[expression] { return abbreviation }
        // filename_safe(): letters, digits, '-', '_', '.' and spaces are kept.
        return String(expression.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "-_. ".contains($0)) })
    }

    /// The abbreviation in this route's name (`carrier_ca.10-11-NANP` → `10-11-NANP`), or the name.
    func abbreviation(gatewayName: String) -> String {
        name.hasPrefix(gatewayName + ".") && !gatewayName.isEmpty ? String(name.dropFirst(gatewayName.count + 1)) : name
    }

    /// The `call_direction-outbound.<abbrv>` dialplan that dialplan_outbound_add.php creates with every
    /// route, at order 22, to set `call_direction=outbound` (without the abbreviation when the route
    /// has a description).
    func companion(gatewayName: String) -> OutboundRoute {
        let suffix = description.isEmpty ? "." + abbreviation(gatewayName: gatewayName) : ""
        var companion = OutboundRoute(
            uuid: UUIDv4.derived(from: "companion:\(uuid)"), domainName: domainName, name: "call_direction-outbound" + suffix,
            expression: expression, gatewayUUID: ""
        )
        companion.order = 22
        companion.enabled = enabled
        companion.companionOf = uuid
        return companion
    }
}

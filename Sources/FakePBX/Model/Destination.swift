/// An inbound route for a DID (`v_destinations`).
public struct Destination: DatasetRecord, Hashable {
    public var uuid: String
    public var domainName: String
    /// `inbound`, `outbound` or `local`.
    public var type: String
    public var number: String
    public var prefix: String
    public var callerIDName: String
    public var context: String
    /// The action, e.g. `transfer` with data `1001 XML tenant.example.com`.
    public var app: String
    public var data: String
    public var enabled: Bool
    public var description: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case uuid = "destination_uuid"
        case domainName = "domain_name"
        case type = "destination_type"
        case number = "destination_number"
        case prefix = "destination_prefix"
        case callerIDName = "destination_caller_id_name"
        case context = "destination_context"
        case app = "destination_app"
        case data = "destination_data"
        case enabled = "destination_enabled"
        case description = "destination_description"
    }

    public init(uuid: String, domainName: String, number: String, app: String, data: String) {
        self.uuid = uuid
        self.domainName = domainName
        self.type = "inbound"
        self.number = number
        self.prefix = ""
        self.callerIDName = ""
        self.context = "public"
        self.app = app
        self.data = data
        self.enabled = true
        self.description = ""
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let domainName = try c.decode(String.self, forKey: .domainName)
        let number = try c.decode(String.self, forKey: .number)
        self.init(
            uuid: try c.value(.uuid, or: UUIDv4.derived(from: "destination:\(number)@\(domainName)")),
            domainName: domainName,
            number: number,
            app: try c.value(.app, or: "transfer"),
            data: try c.value(.data, or: "")
        )
        type = try c.value(.type, or: "inbound")
        prefix = try c.value(.prefix, or: "")
        callerIDName = try c.value(.callerIDName, or: "")
        context = try c.value(.context, or: "public")
        enabled = try c.value(.enabled, or: true)
        description = try c.value(.description, or: "")
    }

    static let types: Set<String> = ["inbound", "outbound", "local"]
}

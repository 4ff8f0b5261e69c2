/// A FusionPBX access control list (`v_access_controls` with its nodes).
public struct AccessControl: DatasetRecord, Hashable {
    public struct Node: DatasetRecord, Hashable {
        /// `allow` or `deny`.
        public var type: String
        public var cidr: String
        public var description: String

        enum CodingKeys: String, CodingKey, CaseIterable {
            case type = "node_type"
            case cidr = "node_cidr"
            case description = "node_description"
        }

        public init(type: String, cidr: String, description: String = "") {
            self.type = type
            self.cidr = cidr
            self.description = description
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                type: try c.value(.type, or: "allow"),
                cidr: try c.decode(String.self, forKey: .cidr),
                description: try c.value(.description, or: "")
            )
        }
    }

    public var uuid: String
    public var name: String
    /// `allow` or `deny`: what happens to addresses no node matches.
    public var defaultAction: String
    public var description: String
    public var nodes: [Node]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case uuid = "access_control_uuid"
        case name = "access_control_name"
        case defaultAction = "access_control_default"
        case description = "access_control_description"
        case nodes
    }

    public init(uuid: String, name: String, defaultAction: String, description: String = "", nodes: [Node]) {
        self.uuid = uuid
        self.name = name
        self.defaultAction = defaultAction
        self.description = description
        self.nodes = nodes
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .name)
        self.init(
            uuid: try c.value(.uuid, or: UUIDv4.derived(from: "acl:\(name)")),
            name: name,
            defaultAction: try c.value(.defaultAction, or: "deny"),
            description: try c.value(.description, or: ""),
            nodes: try c.value(.nodes, or: [])
        )
    }

    static let actions: Set<String> = ["allow", "deny"]
}

/// A tenant (`v_domains`), with the time zone and numbering plan its calls use.
public struct Domain: DatasetRecord, Hashable {
    public var uuid: String
    public var name: String
    public var enabled: Bool
    public var description: String
    /// IANA time zone, used for CDR date filters (inclusive days in the domain's own time).
    public var timeZone: String
    public var numberingPlan: NumberingPlan

    public enum NumberingPlan: String, Codable, Sendable, CaseIterable {
        case nanp, au, uk
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case uuid = "domain_uuid"
        case name = "domain_name"
        case enabled = "domain_enabled"
        case description = "domain_description"
        case timeZone = "time_zone"
        case numberingPlan = "numbering_plan"
    }

    public init(
        uuid: String, name: String, enabled: Bool = true, description: String = "",
        timeZone: String = "UTC", numberingPlan: NumberingPlan = .nanp
    ) {
        self.uuid = uuid
        self.name = name
        self.enabled = enabled
        self.description = description
        self.timeZone = timeZone
        self.numberingPlan = numberingPlan
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try c.decode(String.self, forKey: .name)
        self.uuid = try c.value(.uuid, or: UUIDv4.derived(from: "domain:\(name)"))
        self.enabled = try c.value(.enabled, or: true)
        self.description = try c.value(.description, or: "")
        self.timeZone = try c.value(.timeZone, or: "UTC")
        self.numberingPlan = try c.value(.numberingPlan, or: .nanp)
    }
}

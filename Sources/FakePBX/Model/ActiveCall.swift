/// A call in progress, counted by the status endpoint's `active_calls`.
public struct ActiveCall: DatasetRecord, Hashable {
    public var uuid: String
    public var domainName: String
    public var direction: String
    public var callerIDNumber: String
    public var destinationNumber: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case uuid
        case domainName = "domain_name"
        case direction
        case callerIDNumber = "caller_id_number"
        case destinationNumber = "destination_number"
    }

    public init(uuid: String, domainName: String, direction: String, callerIDNumber: String, destinationNumber: String) {
        self.uuid = uuid
        self.domainName = domainName
        self.direction = direction
        self.callerIDNumber = callerIDNumber
        self.destinationNumber = destinationNumber
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let domainName = try c.decode(String.self, forKey: .domainName)
        let caller = try c.value(.callerIDNumber, or: "")
        let destination = try c.value(.destinationNumber, or: "")
        self.init(
            uuid: try c.value(.uuid, or: UUIDv4.derived(from: "call:\(caller)>\(destination)@\(domainName)")),
            domainName: domainName,
            direction: try c.value(.direction, or: "outbound"),
            callerIDNumber: caller,
            destinationNumber: destination
        )
    }
}

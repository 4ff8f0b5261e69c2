/// A SIP extension (`v_extensions`). The password is write-only through the API.
public struct Extension: DatasetRecord, Hashable {
    public var uuid: String
    public var domainName: String
    public var number: String
    public var password: String
    public var effectiveCallerIDName: String
    public var effectiveCallerIDNumber: String
    public var outboundCallerIDName: String
    public var outboundCallerIDNumber: String
    public var directoryFirstName: String
    public var directoryLastName: String
    public var callTimeout: Int
    public var limitMax: Int
    public var tollAllow: String
    public var enabled: Bool
    public var description: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case uuid = "extension_uuid"
        case domainName = "domain_name"
        case number = "extension"
        case password
        case effectiveCallerIDName = "effective_caller_id_name"
        case effectiveCallerIDNumber = "effective_caller_id_number"
        case outboundCallerIDName = "outbound_caller_id_name"
        case outboundCallerIDNumber = "outbound_caller_id_number"
        case directoryFirstName = "directory_first_name"
        case directoryLastName = "directory_last_name"
        case callTimeout = "call_timeout"
        case limitMax = "limit_max"
        case tollAllow = "toll_allow"
        case enabled, description
    }

    public init(uuid: String, domainName: String, number: String, password: String) {
        self.uuid = uuid
        self.domainName = domainName
        self.number = number
        self.password = password
        self.effectiveCallerIDName = ""
        self.effectiveCallerIDNumber = number
        self.outboundCallerIDName = ""
        self.outboundCallerIDNumber = ""
        self.directoryFirstName = ""
        self.directoryLastName = ""
        self.callTimeout = 30
        self.limitMax = 5
        self.tollAllow = ""
        self.enabled = true
        self.description = ""
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let domainName = try c.decode(String.self, forKey: .domainName)
        let number = try c.decode(String.self, forKey: .number)
        self.init(
            uuid: try c.value(.uuid, or: UUIDv4.derived(from: "extension:\(number)@\(domainName)")),
            domainName: domainName,
            number: number,
            password: try c.value(.password, or: ExtensionPassword.derived(from: "\(number)@\(domainName)"))
        )
        effectiveCallerIDName = try c.value(.effectiveCallerIDName, or: "")
        effectiveCallerIDNumber = try c.value(.effectiveCallerIDNumber, or: number)
        outboundCallerIDName = try c.value(.outboundCallerIDName, or: "")
        outboundCallerIDNumber = try c.value(.outboundCallerIDNumber, or: "")
        directoryFirstName = try c.value(.directoryFirstName, or: "")
        directoryLastName = try c.value(.directoryLastName, or: "")
        callTimeout = try c.value(.callTimeout, or: 30)
        limitMax = try c.value(.limitMax, or: 5)
        tollAllow = try c.value(.tollAllow, or: "")
        enabled = try c.value(.enabled, or: true)
        description = try c.value(.description, or: "")
    }
}

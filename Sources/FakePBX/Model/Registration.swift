/// A live SIP registration of an extension, as `sofia xmlstatus profile internal reg` would list it.
public struct Registration: DatasetRecord, Hashable {
    public var domainName: String
    public var extensionNumber: String
    public var contact: String
    public var agent: String
    public var networkIP: String
    public var networkPort: Int
    public var transport: String
    public var expiresSeconds: Int

    enum CodingKeys: String, CodingKey, CaseIterable {
        case domainName = "domain_name", extensionNumber = "extension", contact, agent
        case networkIP = "network_ip", networkPort = "network_port", transport, expiresSeconds = "expires_seconds"
    }

    public init(
        domainName: String, extensionNumber: String, contact: String, agent: String,
        networkIP: String, networkPort: Int, transport: String = "UDP", expiresSeconds: Int = 3600
    ) {
        self.domainName = domainName
        self.extensionNumber = extensionNumber
        self.contact = contact
        self.agent = agent
        self.networkIP = networkIP
        self.networkPort = networkPort
        self.transport = transport
        self.expiresSeconds = expiresSeconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            domainName: try c.decode(String.self, forKey: .domainName),
            extensionNumber: try c.decode(String.self, forKey: .extensionNumber),
            contact: try c.value(.contact, or: ""),
            agent: try c.value(.agent, or: ""),
            networkIP: try c.decode(String.self, forKey: .networkIP),
            networkPort: try c.value(.networkPort, or: 5060),
            transport: try c.value(.transport, or: "UDP"),
            expiresSeconds: try c.value(.expiresSeconds, or: 3600)
        )
    }
}

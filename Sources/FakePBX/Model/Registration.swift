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
    /// Set while the extension (or its domain) is disabled: the registration stays until this instant,
    /// its next expiry, as sofia keeps it (FusionPBX does not flush it; the phone's next REGISTER fails).
    /// nil while the extension is enabled. Not stored in dataset files.
    public var lingersUntil: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case domainName = "domain_name"
        case extensionNumber = "extension"
        case contact, agent
        case networkIP = "network_ip"
        case networkPort = "network_port"
        case transport
        case expiresSeconds = "expires_seconds"
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

    /// `number@domain` of the extension it belongs to.
    var extensionKey: String { "\(extensionNumber)@\(domainName)" }

    /// Seconds into each registration interval at which this phone re-registers, from its address:
    /// phones do not all refresh at once, and the same dataset always gives the same phases.
    var phase: Int {
        let interval = max(1, expiresSeconds)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in extensionKey.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(hash % UInt64(interval))
    }

    /// When the registration in force at `now` expires: the next refresh boundary after `now`.
    public func expiry(after now: Int) -> Int {
        let interval = max(1, expiresSeconds)
        let into = ((now - phase) % interval + interval) % interval
        return now + interval - into
    }

    /// Whether sofia lists it at `now`.
    public func isLive(at now: Int) -> Bool { lingersUntil.map { now < $0 } ?? true }

    /// Sofia's status string (mod_sofia.c `show_reg_callback_xml`): `Registered(UDP-NAT)(unknown)
    /// exp(2026-11-23 13:02:11) expsecs(3567)`; `-NAT` when the phone's contact is not the address it
    /// registered from.
    public func sofiaStatus(at now: Int) -> String {
        let expires = min(lingersUntil ?? .max, expiry(after: now))
        let nat = contact.contains("@\(networkIP)") || contact.isEmpty ? "" : "-NAT"
        return "Registered(\(transport.uppercased())\(nat))(unknown) exp(\(Timestamp.postgres(expires).dropLast(3))) expsecs(\(expires - now))"
    }
}

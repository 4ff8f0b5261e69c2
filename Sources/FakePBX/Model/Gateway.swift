/// A SIP trunk gateway (`v_gateways`). `domainName` nil means a global gateway.
public struct Gateway: DatasetRecord, Hashable {
    public var uuid: String
    public var domainName: String?
    /// The gateway label (`gateway` column); ictVoIP's provision.php calls it `gateway_name`.
    public var name: String
    public var username: String
    public var password: String
    /// SIP server address; ictVoIP's provision.php calls it `gateway_domain`.
    public var proxy: String
    public var realm: String
    public var fromDomain: String
    public var register: Bool
    public var registerTransport: String
    public var expireSeconds: Int
    public var retrySeconds: Int
    public var profile: String
    public var context: String
    public var enabled: Bool
    public var description: String
    /// Simulated sofia state when enabled: `REGED`, `NOREG`, `FAILED`, `TRYING`, ... (nil = derived from `register`).
    public var simulatedState: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case uuid = "gateway_uuid"
        case domainName = "domain_name"
        case name = "gateway"
        case username, password, proxy, realm
        case fromDomain = "from_domain"
        case register
        case registerTransport = "register_transport"
        case expireSeconds = "expire_seconds"
        case retrySeconds = "retry_seconds"
        case profile, context, enabled, description
        case simulatedState = "state"
    }

    public init(uuid: String, domainName: String?, name: String, username: String, password: String, proxy: String) {
        self.uuid = uuid
        self.domainName = domainName
        self.name = name
        self.username = username
        self.password = password
        self.proxy = proxy
        self.realm = ""
        self.fromDomain = ""
        self.register = false
        self.registerTransport = "udp"
        self.expireSeconds = 800
        self.retrySeconds = 30
        self.profile = "external"
        self.context = "public"
        self.enabled = true
        self.description = ""
        self.simulatedState = nil
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .name)
        let domainName = try c.decodeIfPresent(String.self, forKey: .domainName)
        self.init(
            uuid: try c.value(.uuid, or: UUIDv4.derived(from: "gateway:\(name)@\(domainName ?? "")")),
            domainName: domainName,
            name: name,
            username: try c.value(.username, or: ""),
            password: try c.value(.password, or: ""),
            proxy: try c.decode(String.self, forKey: .proxy)
        )
        realm = try c.value(.realm, or: "")
        fromDomain = try c.value(.fromDomain, or: "")
        register = try c.value(.register, or: false)
        registerTransport = try c.value(.registerTransport, or: "udp")
        expireSeconds = try c.value(.expireSeconds, or: 800)
        retrySeconds = try c.value(.retrySeconds, or: 30)
        profile = try c.value(.profile, or: "external")
        context = try c.value(.context, or: "public")
        enabled = try c.value(.enabled, or: true)
        description = try c.value(.description, or: "")
        simulatedState = try c.decodeIfPresent(String.self, forKey: .simulatedState)
    }

    /// sofia's gateway state: `REGED` or `NOREG` when healthy, a simulated failure state otherwise, and
    /// `nil` when the gateway is disabled (sofia does not load it; FusionPBX shows it as Stopped).
    public var state: String? {
        guard enabled else { return nil }
        return simulatedState ?? (register ? "REGED" : "NOREG")
    }

    /// `UP` when the gateway is enabled and healthy, else `DOWN` (a disabled gateway is not loaded by sofia).
    public var status: String {
        enabled && (state == "REGED" || state == "NOREG") ? "UP" : "DOWN"
    }

    /// The states sofia reports (`sofia_state_names[]`).
    static let knownStates: Set<String> = [
        "UNREGED", "TRYING", "REGISTER", "REGED", "UNREGISTER", "FAILED", "FAIL_WAIT", "EXPIRED", "NOREG", "TIMEOUT",
    ]
}

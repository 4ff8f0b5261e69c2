import ContractKit

/// The API user fakepbx accepts.
public struct Credentials: Sendable, Hashable {
    public var username: String
    public var password: String
    /// The API key (WHMCS "Access Hash"); `nil` accepts no key.
    public var apiKey: String?

    public init(username: String, password: String, apiKey: String?) {
        self.username = username
        self.password = password
        self.apiKey = apiKey
    }

    /// The defaults, chosen so the ictVoIP documentation's curl examples work unchanged.
    public static let documentationDefaults = Credentials(
        username: "admin",
        password: "your-password",
        apiKey: "fakepbx-demo-api-key-0123456789abcdef"
    )
}

/// Credentials as a client sent them, from form fields, HTTP Basic, `X-API-Key` or `Authorization: Bearer`.
public struct PresentedCredentials: Sendable, Hashable {
    public var username: String?
    public var password: String?
    public var apiKey: String?
    /// The form fields taken as credentials, removed from the fields handlers see.
    var formFields: Set<String> = []

    public init(username: String? = nil, password: String? = nil, apiKey: String? = nil) {
        self.username = username
        self.password = password
        self.apiKey = apiKey
    }

    public var isEmpty: Bool { username == nil && password == nil && apiKey == nil }
}

/// The outcome of checking presented credentials.
public enum CredentialCheck: Sendable, Hashable {
    case accepted
    case missing
    case rejected
}

extension Credentials {
    /// Checks `presented` under `profile`, comparing every secret in constant time.
    public func check(_ presented: PresentedCredentials, profile: AuthProfile) -> CredentialCheck {
        switch profile {
        case .whitelistOnly:
            return .accepted
        case .password:
            guard let user = presented.username, let pass = presented.password else { return .missing }
            // Evaluate both comparisons so timing does not reveal which one failed.
            let userOK = constantTimeEquals(user, username)
            let passOK = constantTimeEquals(pass, password)
            return userOK && passOK ? .accepted : .rejected
        case .multi:
            if presented.isEmpty || (presented.apiKey == nil && presented.password == nil) { return .missing }
            let userOK = presented.username.map { constantTimeEquals($0, username) }
            if let key = presented.apiKey {
                let keyOK = apiKey.map { constantTimeEquals(key, $0) } ?? false
                return keyOK && userOK != false ? .accepted : .rejected
            }
            guard let userOK, let pass = presented.password else { return .missing }
            let passOK = constantTimeEquals(pass, password)
            return userOK && passOK ? .accepted : .rejected
        }
    }
}

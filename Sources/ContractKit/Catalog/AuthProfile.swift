/// Which credentials the API demands, following the ictVoIP module's documented history: what
/// `fakepbx serve --auth-profile` enforces and what `fakepbx contract run --auth-profile` expects.
public enum AuthProfile: String, Sendable, CaseIterable, CustomStringConvertible {
    /// v1.3.3: a whitelisted address is enough; credentials are not checked.
    case whitelistOnly = "whitelist-only"
    /// 2025-07: whitelisted address plus API username and password.
    case password
    /// v1.4: whitelisted address plus the API user with a password or an API key (access hash).
    case multi

    public var description: String { rawValue }
}

import ContractKit
import Synchronization

/// The access rules the fake API enforces: the whitelist (replaceable at run time), the API user, the
/// auth profile, and which proxies may set `X-Forwarded-For`.
public final class AccessPolicy: Sendable {
    public let credentials: Credentials
    public let profile: AuthProfile
    public let addressResolver: ClientAddressResolver
    private let whitelistState: Mutex<Whitelist>
    /// The whitelist the server was configured with (its file as last read), which a reset restores.
    private let configured: Mutex<Whitelist>

    public init(whitelist: Whitelist, credentials: Credentials, profile: AuthProfile, trustedProxies: [CIDRBlock]) {
        self.whitelistState = Mutex(whitelist)
        self.configured = Mutex(whitelist)
        self.credentials = credentials
        self.profile = profile
        self.addressResolver = ClientAddressResolver(trustedProxies: trustedProxies)
    }

    /// The whitelist in force now.
    public var whitelist: Whitelist { whitelistState.withLock { $0 } }

    /// Replaces the whitelist; takes effect for the next request, as the real Whitelist Manager does.
    public func replaceWhitelist(_ whitelist: Whitelist) {
        whitelistState.withLock { $0 = whitelist }
    }

    /// Takes in an edit of the whitelist file: in force now, and what a reset returns to.
    func reconfigureWhitelist(_ whitelist: Whitelist) {
        configured.withLock { $0 = whitelist }
        replaceWhitelist(whitelist)
    }

    /// Back to the configured whitelist, dropping what the control API and scenarios changed.
    func restoreWhitelist() { replaceWhitelist(configured.withLock { $0 }) }

    /// Adds `block` unless the whitelist has it already, in one step (the control API and scenario
    /// timelines add entries this way).
    public func addToWhitelist(_ block: CIDRBlock) {
        whitelistState.withLock { whitelist in
            if !whitelist.entries.contains(block) { whitelist.entries.append(block) }
        }
    }

    /// Whether `address` is whitelisted.
    public func allows(_ address: IPAddress) -> Bool {
        whitelistState.withLock { $0.allows(address) }
    }
}

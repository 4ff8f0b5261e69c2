public import Logging

/// Everything a request handler can reach: the tenant model, the access policy, the clock and the
/// emulated PBX's identity.
public final class PBXServer: Sendable {
    public let store: TenantStore
    public let policy: AccessPolicy
    public let clock: PBXClock
    public let pbxVersion: PBXVersion
    public let startEpoch: Double
    public let logger: Logger
    /// Checks the client's requests against the contracts (`serve --verify-client`); `nil` when off.
    public let clientVerifier: ClientVerifier?
    let catalog: EndpointCatalog

    public init(
        store: TenantStore, policy: AccessPolicy, clock: PBXClock, pbxVersion: PBXVersion, logger: Logger,
        clientVerifier: ClientVerifier? = nil
    ) {
        self.store = store
        self.policy = policy
        self.clock = clock
        self.pbxVersion = pbxVersion
        self.startEpoch = clock.now
        self.logger = logger
        self.clientVerifier = clientVerifier
        self.catalog = EndpointCatalog.standard
    }
}

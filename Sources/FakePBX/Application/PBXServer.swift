public import ContractKit
import Foundation
public import Logging
import Synchronization

/// Everything a request handler can reach: the tenant model, the access policy, the clock and the
/// emulated PBX's identity.
public final class PBXServer: Sendable {
    public let store: TenantStore
    /// Who may use the API: the whitelist, the credentials and which proxies' `X-Forwarded-For` is
    /// trusted. (The fail2ban jails and rate limits are ``policies``.)
    public let access: AccessPolicy
    public let clock: PBXClock
    /// The controllable clock behind `clock` (freeze, advance, set).
    public let virtualClock: VirtualClock
    public let policies: SecurityPolicies
    /// Injected faults (control API, scenarios).
    public let faults = FaultSet()
    /// Scenario steps still to fire.
    public let timeline = ScenarioTimeline()
    /// Recent requests and what applied to them.
    public let journal = RequestJournal()
    /// Recorded exchanges to answer from (`--replay`).
    public let replay: ReplayStore?
    /// Where replay misses go with `--on-miss proxy`, and where they are recorded.
    let missForwarder: UpstreamForwarder?
    let missRecorder: CassetteRecorder?
    public let pbxVersion: PBXVersion
    /// The release ``pbxVersion`` is answered as, looked up once (see ``FusionPBXReleases``).
    public let release: FusionPBXRelease
    public let startEpoch: Double
    public let logger: Logger
    /// Checks the client's requests against the contracts (`serve --verify-client`); `nil` when off.
    public let clientVerifier: ClientVerifier?
    /// The HTTPS listener's certificates and TLS facts per connection; `nil` without `--https-port`.
    public let tls: TLSIdentities?
    /// Application versions that differ from ``PBXApp``'s (`--app-version`).
    public let appVersions: [String: String]
    /// Who may use the control API.
    let controlAccess: ControlAccess
    /// The only folder whose files a scenario posted at run time may name (`--scenario-dir`).
    let scenarioFolder: String
    let catalog: EndpointCatalog
    /// How request bodies are read: as PHP reads them, JSON objects too with `--json-bodies`.
    let formReading: RequestForm.Reading
    /// Whether plain HTTP is redirected to HTTPS as stock FusionPBX's nginx does (`--http-redirect`).
    let httpsRedirect: Bool
    /// The HTTPS listener's bound port once it listens; 0 without HTTPS.
    let httpsPort = Atomic<Int>(0)
    /// The scenarios started with the server, armed again by a reset.
    let startScenarios: [Scenario]

    public init(
        store: TenantStore, access: AccessPolicy, clock: VirtualClock, pbxVersion: PBXVersion, logger: Logger,
        policies: SecurityPolicies, clientVerifier: ClientVerifier? = nil, controlAccess: ControlAccess = ControlAccess(),
        scenarioFolder: String = FileManager.default.currentDirectoryPath,
        replay: ReplayStore? = nil, tls: TLSIdentities? = nil, upstreamTrust: ClientTrust = ClientTrust(),
        appVersions: [String: String] = [:], formReading: RequestForm.Reading = .php, startScenarios: [Scenario] = [],
        httpsRedirect: Bool = true
    ) throws(ContractError) {
        self.httpsRedirect = httpsRedirect
        self.formReading = formReading
        self.startScenarios = startScenarios
        self.appVersions = appVersions
        self.tls = tls
        self.store = store
        self.access = access
        self.virtualClock = clock
        self.clock = clock.clock
        self.policies = policies
        let journal = self.journal
        policies.jails.observeExpiry { ban in
            journal.event(
                "ban-ended", client: ban.address, time: ban.until, applied: ["ban:\(ban.jail)"],
                detail: "the \(ban.jail) ban expired at \(Timestamp.iso8601(Int(ban.until))) (seen when the address came back)"
            )
        }
        self.controlAccess = controlAccess
        self.scenarioFolder = scenarioFolder
        self.replay = replay
        if case .proxy(let upstream, let recordTo)? = replay?.missPolicy {
            missForwarder = UpstreamForwarder(upstream: upstream, client: try UpstreamForwarder.makeClient(upstreamTrust))
            missRecorder = recordTo.flatMap { try? CassetteRecorder(path: $0, name: "replay-misses", source: "replay misses proxied to \(upstream)") }
        } else {
            missForwarder = nil
            missRecorder = nil
        }
        self.pbxVersion = pbxVersion
        self.release = pbxVersion.model
        self.startEpoch = clock.now
        self.logger = logger
        self.clientVerifier = clientVerifier
        self.catalog = EndpointCatalog.standard
    }
}

import ContractKit
public import HTTPTypes

/// One API script of the fake PBX: its path, methods, access rules and handler.
public struct Endpoint: Sendable {
    /// Which envelope errors use: ictVoIP's standard one, or chkcon's `success`/`message` pair.
    public enum Envelope: Sendable { case standard, chkcon }

    /// Where the endpoint's contract comes from.
    public enum Provenance: String, Sendable { case documented, inferred }

    public let path: String
    public let app: PBXApp
    public let methods: [HTTPRequest.Method]
    public let envelope: Envelope
    public let provenance: Provenance
    /// The documented rate-limit class (gateway operations, CDR export, standard), declared by
    /// each endpoint: `Contracts/catalog.json` must agree (tested).
    public let rateClass: RateLimitClass
    /// Auth profiles under which this endpoint demands credentials (besides the whitelist).
    let credentialProfiles: Set<AuthProfile>
    let handler: @Sendable (APIRequest, PBXServer) throws -> EndpointResponse

    init(
        _ path: String, app: PBXApp, rateClass: RateLimitClass, methods: [HTTPRequest.Method] = [.post], envelope: Envelope = .standard,
        provenance: Provenance, credentialProfiles: Set<AuthProfile> = [.password, .multi],
        handler: @escaping @Sendable (APIRequest, PBXServer) throws -> EndpointResponse
    ) {
        self.path = path
        self.app = app
        self.methods = methods
        self.envelope = envelope
        self.provenance = provenance
        self.rateClass = rateClass
        self.credentialProfiles = credentialProfiles
        self.handler = handler
    }
}

import ContractKit
public import HTTPTypes

/// One API script of the fake PBX: its path, methods, access rules and handler.
public struct Endpoint: Sendable {
    /// Which envelope errors use: ictVoIP's standard one, or chkcon's `success`/`message` pair.
    public enum Envelope: Sendable { case standard, chkcon }

    /// Where the endpoint's contract comes from.
    public enum Provenance: String, Sendable { case documented, inferred }

    /// How much work an answer takes, which decides where it runs.
    public enum Work: Sendable {
        /// Bounded work: answered on the event loop that read the request.
        case light
        /// Work that grows with the data (the CDR scripts over a call history: counting a million
        /// calls takes half a second): answered on a worker thread, so no event loop stalls.
        case growsWithData
    }

    public let path: String
    public let app: PBXApp
    public let methods: [HTTPRequest.Method]
    public let envelope: Envelope
    public let provenance: Provenance
    /// The documented rate-limit class (gateway operations, CDR export, standard), declared by
    /// each endpoint: `Contracts/catalog.json` must agree (tested).
    public let rateClass: RateLimitClass
    public let work: Work
    /// Auth profiles under which this endpoint demands credentials (besides the whitelist).
    let credentialProfiles: Set<AuthProfile>
    let handler: @Sendable (APIRequest, HandlerContext) throws -> EndpointResponse

    init(
        _ path: String, app: PBXApp, rateClass: RateLimitClass, work: Work = .light, methods: [HTTPRequest.Method] = [.post],
        envelope: Envelope = .standard, provenance: Provenance, credentialProfiles: Set<AuthProfile> = [.password, .multi],
        handler: @escaping @Sendable (APIRequest, HandlerContext) throws -> EndpointResponse
    ) {
        self.path = path
        self.app = app
        self.methods = methods
        self.envelope = envelope
        self.provenance = provenance
        self.rateClass = rateClass
        self.work = work
        self.credentialProfiles = credentialProfiles
        self.handler = handler
    }
}

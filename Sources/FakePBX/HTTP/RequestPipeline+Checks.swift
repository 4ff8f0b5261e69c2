import ContractKit
import HTTPTypes
import JSONSchema
import Logging

/// A request as the pipeline sees it, whichever entry point read it: its body already read, or the
/// reason it could not be.
struct IncomingRequest: Sendable {
    var method: HTTPRequest.Method
    var path: String
    var query: String
    var headers: HTTPFields
    var client: IPAddress
    var body: Result<[UInt8], APIError>
    /// What the TLS handshake established, for a request that came over HTTPS.
    var tls: TLSConnectionInfo? = nil
    /// The `Host` the request named (HTTP/1.1), or its `:authority`.
    var authority: String? = nil

    /// The path and query, as the request line had them.
    var uri: String { query.isEmpty ? path : "\(path)?\(query)" }

    /// What faults and call-count steps match it on; the `action` field is read only if asked for.
    func target(_ reading: RequestForm.Reading) -> RequestTarget {
        let request = self
        return RequestTarget(path: path, method: method.rawValue, client: client) { request.fields(reading)["action"]?.lowercased() }
    }

    /// Its fields as the script would read them, credential names left out; empty when the body could
    /// not be read. For a request refused before its fields were checked (the journal still shows them).
    func fields(_ reading: RequestForm.Reading) -> [String: String] {
        guard let bytes = try? body.get(),
            var fields = try? RequestForm.fields(query: query, body: bytes, contentType: headers[.contentType], reading: reading)
        else { return [:] }
        for name in PresentedCredentials.fieldNames { fields[name] = nil }
        return fields
    }

    /// The request as the contracts see it: method, path, query, headers and body fields.
    func exchange(form: [String: String], notes: [RequestForm.Note] = []) -> ExchangeRequest {
        ExchangeRequest(
            method: method.rawValue, path: path, query: query,
            headers: Exchange.headerMap(headers.map { ($0.name.canonicalName, $0.value) }), form: form, readingNotes: notes
        )
    }
}

/// A request that passed every check, ready for its handler (or a recording).
struct AcceptedRequest: Sendable {
    var request: IncomingRequest
    var endpoint: Endpoint
    var fields: [String: String]
    var applied: [String]
    var rateHeaders: HTTPFields
    /// Why PHP read fewer fields than were sent, for the journal.
    var notes: [RequestForm.Note] = []
}

enum CheckedRequest: Sendable {
    /// Refused or failed: this is the answer.
    case answered(Answer)
    case accepted(AcceptedRequest)
}

/// The access checks, each a stage that throws the documented error (see docs/api.md, "Order of
/// the checks"): ban (`--ban-action 403`) and `nginx-dos`, whitelist (403), method (405), body size
/// (413) and syntax (400), rate limit (429), the client's contract (`--verify-client`), credentials
/// (401, counted by the `fusionpbx` jail), then the handler's parameters (400).
extension RequestPipeline {
    /// Every check before the handler, in order.
    func checked(_ request: IncomingRequest, endpoint: Endpoint) -> CheckedRequest {
        let (refusal, applied) = prelude(client: request.client, method: request.method, envelope: endpoint.envelope)
        if let refusal { return .answered(refusal) }
        if let redirect = httpsRedirect(request, applied: applied) { return .answered(redirect) }
        var rateHeaders = HTTPFields()
        var notes: [RequestForm.Note] = []
        do {
            try checkWhitelist(request, endpoint: endpoint)
            try checkMethod(request, endpoint: endpoint)
            let query = try FormBody.query(request.query, reading: server.formReading)
            let body = try FormBody.decode(try request.body.get(), contentType: request.headers[.contentType], reading: server.formReading)
            notes = [query.note, body.note].compactMap { $0 }
            var fields = RequestForm.merged(query: query.fields, body: body.fields)
            let presented = PresentedCredentials(fields: fields, headers: request.headers)
            try countRate(request, endpoint: endpoint, presented: presented, headers: &rateHeaders)
            try verifyContract(request, form: body.fields, notes: notes)
            try checkCredentials(request, endpoint: endpoint, presented: presented)
            for name in presented.formFields { fields[name] = nil }
            return .accepted(
                AcceptedRequest(request: request, endpoint: endpoint, fields: fields, applied: applied, rateHeaders: rateHeaders, notes: notes))
        } catch {
            var answer = failed(error, endpoint: endpoint, applied: applied, rateHeaders: rateHeaders)
            answer.note(notes)
            return .answered(answer)
        }
    }

    /// Whether a request is refused whatever its body says, so that it can be answered from its head
    /// without reading the body: a ban with `--ban-action 403` or a client off the whitelist, on an
    /// endpoint's path, with no fault or recording in play (those may answer otherwise). The answer
    /// itself still comes from ``checked(_:endpoint:)``, whose first checks these are.
    func refusedAtHead(_ needs: Needs, headers: HTTPFields, peer: IPAddress) -> Bool {
        guard needs.isDisjoint(with: [.suspension, .proxying, .unknownPath]) else { return false }
        let client = server.access.addressResolver.clientAddress(peer: peer, forwardedFor: headers[values: .xForwardedFor])
        if server.policies.banAction == .forbidden, server.policies.jails.ban(for: client, now: server.clock.now) != nil { return true }
        return !server.access.allows(client)
    }

    /// A ban with `--ban-action 403`, then the `nginx-dos` jail (its filter matches GET and POST lines
    /// only): the answer when refused, and what applied either way.
    func prelude(client: IPAddress, method: HTTPRequest.Method, envelope: Endpoint.Envelope) -> (Answer?, [String]) {
        let jails = server.policies.jails
        let now = server.clock.now
        if server.policies.banAction == .forbidden, let ban = jails.ban(for: client, now: now) {
            var answer = render(.banned(ban), envelope: envelope)
            answer.applied = ["banned:\(ban.jail)"]
            return (answer, answer.applied)
        }
        // The request that fills the jail is still answered; the ban applies from the next one.
        guard method == .get || method == .post, let ban = jails.record(JailName.nginxDOS, address: client, now: now) else { return (nil, []) }
        logBan(ban)
        return (nil, ["ban:\(ban.jail)"])
    }

    private func checkWhitelist(_ request: IncomingRequest, endpoint: Endpoint) throws(APIError) {
        guard !server.access.allows(request.client) else { return }
        server.logger.notice("request from non-whitelisted address denied", metadata: ["client": "\(request.client)", "path": "\(endpoint.path)"])
        throw APIError.whitelistDenied
    }

    /// HEAD is allowed wherever GET is. A strict `--verify-client` names the contract's complaint first.
    private func checkMethod(_ request: IncomingRequest, endpoint: Endpoint) throws(APIError) {
        let methods = endpoint.methods
        guard !methods.contains(request.method), !(request.method == .head && methods.contains(.get)) else { return }
        try verifyContract(request, form: [:])
        throw APIError.methodNotAllowed(request.method, allowed: methods)
    }

    private func countRate(
        _ request: IncomingRequest, endpoint: Endpoint, presented: PresentedCredentials, headers: inout HTTPFields
    ) throws(APIError) {
        let now = server.clock.now
        let limiter = server.policies.rateLimiter
        let key: RateLimiter.Subject =
            switch limiter.keyedBy {
            case .ip: .address(request.client)
            case .user: presented.username.map { .name("user:\($0)") } ?? .address(request.client)
            case .key: presented.apiKey.map { .name("key:\(String($0.hashValue, radix: 16))") } ?? .address(request.client)
            }
        guard let decision = limiter.count(endpoint.rateClass, key: key, now: now) else { return }
        headers[.xRateLimitLimit] = String(decision.limit)
        headers[.xRateLimitRemaining] = String(decision.remaining)
        headers[.xRateLimitReset] = String(decision.reset)
        guard decision.allowed else { throw APIError.rateLimited(endpoint.rateClass, decision: decision, now: now) }
    }

    /// The client's contract (`--verify-client`): violations are recorded and logged; in strict mode
    /// they are the answer.
    func verifyContract(_ request: IncomingRequest, form: [String: String], notes: [RequestForm.Note] = []) throws(APIError) {
        guard let verifier = server.clientVerifier else { return }
        let violations = verifier.verify(
            request.exchange(form: form, notes: notes), client: request.client.description, time: Timestamp.iso8601(server.clock.epochSeconds))
        guard !violations.isEmpty else { return }
        server.logger.notice(
            "request breaks its contract",
            metadata: ["client": "\(request.client)", "path": "\(request.path)", "violations": "\(violations.count)"]
        )
        if verifier.mode == .strict { throw APIError.contractViolated(violations) }
    }

    private func checkCredentials(_ request: IncomingRequest, endpoint: Endpoint, presented: PresentedCredentials) throws(APIError) {
        let access = server.access
        guard endpoint.credentialProfiles.contains(access.profile) else { return }
        switch access.credentials.check(presented, profile: access.profile) {
        case .accepted:
            return
        case .missing:
            throw APIError.authenticationFailed("Missing credentials; send username and password, or an API key")
        case .rejected:
            let now = server.clock.now
            server.logger.notice(
                "authentication failed",
                metadata: ["client": "\(request.client)", "user": "\(presented.username ?? "-")", "path": "\(endpoint.path)"]
            )
            server.policies.authLog?.failedLogin(epochSeconds: Int(now), address: request.client, user: presented.username ?? "")
            if let ban = server.policies.jails.record(JailName.fusionpbx, address: request.client, now: now) {
                logBan(ban)
                throw APIError.authenticationFailed("Invalid credentials", banned: ban)
            }
            throw APIError.authenticationFailed("Invalid credentials")
        }
    }

    /// The endpoint's handler on an accepted request: its parameters checked, then its answer.
    func handled(_ accepted: AcceptedRequest) -> Answer {
        let endpoint = accepted.endpoint
        let request = accepted.request
        var answer: Answer
        do {
            let apiRequest = APIRequest(method: request.method, path: endpoint.path, fields: accepted.fields, clientAddress: request.client)
            try apiRequest.checkTypedFields()
            let response = try endpoint.handler(apiRequest, handlerContext)
            server.logger.debug(
                "request answered",
                metadata: ["client": "\(request.client)", "path": "\(endpoint.path)", "status": "\(response.status.code)"]
            )
            var headers = response.headers
            headers[.contentType] = response.contentType
            answer = Answer(status: response.status, headers: headers, body: response.body, rest: response.rest)
            answer.headers.append(contentsOf: accepted.rateHeaders)
            answer.applied += accepted.applied
        } catch {
            let failure: APIError
            switch error {
            case let error as APIError: failure = error
            case let error as ModelError: failure = APIError(error)
            default:
                server.logger.error("handler failed", metadata: ["path": "\(endpoint.path)", "error": "\(error)"])
                failure = APIError(.internalServerError, "Server Error", "internal error; see the fakepbx log")
            }
            answer = failed(failure, endpoint: endpoint, applied: accepted.applied, rateHeaders: accepted.rateHeaders)
        }
        answer.fields = accepted.fields
        answer.note(accepted.notes)
        return answer
    }

    /// `error` in the endpoint's envelope, with what applied for the journal.
    private func failed(_ error: APIError, endpoint: Endpoint, applied: [String], rateHeaders: HTTPFields) -> Answer {
        var answer = render(error, envelope: endpoint.envelope)
        var applied = applied
        switch error.status.code {
        case 429: applied.append("rate-limit:\(endpoint.rateClass)")
        case 403: applied.append("whitelist-denied")
        case 401:
            applied.append("auth-failed")
            if let jail = error.banTriggered { applied.append("ban:\(jail)") }
        default: if error.extra["violations"] != nil { applied.append("contract-violation") }
        }
        answer.headers.append(contentsOf: rateHeaders)
        answer.applied += applied
        return answer
    }
}

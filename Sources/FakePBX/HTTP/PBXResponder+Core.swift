import ContractKit
import HTTPTypes
import JSONSchema
import Logging
import NIOCore

/// A request as the checks see it, whichever front door it came in by (Hummingbird's responder or
/// the event-loop fast path): its body already read, or the reason it could not be.
struct IncomingRequest: Sendable {
    var method: HTTPRequest.Method
    var path: String
    var query: String
    var headers: HTTPFields
    var client: IPAddress
    var body: Result<[UInt8], APIError>
    /// What the TLS handshake established, for a request that came over HTTPS.
    var tls: TLSConnectionInfo? = nil

    /// What faults and call-count steps match it on; the `action` field is read only if asked for.
    var target: RequestTarget {
        let request = self
        return RequestTarget(path: path, method: method.rawValue, client: client) { request.fields["action"]?.lowercased() }
    }

    /// Its fields as the script would read them, credential names left out; empty when the body could
    /// not be read. For a request refused before its fields were checked (the journal still shows them).
    var fields: [String: String] {
        guard let bytes = try? body.get(),
            var fields = try? RequestForm.fields(query: query, body: bytes, contentType: headers[.contentType])
        else { return [:] }
        for name in PresentedCredentials.fieldNames { fields[name] = nil }
        return fields
    }
}

/// A request that passed every check, ready for its handler (or a recording).
struct AcceptedRequest: Sendable {
    var request: IncomingRequest
    var endpoint: Endpoint
    var fields: [String: String]
    var applied: [String]
    var rateHeaders: HTTPFields
}

enum CheckedRequest: Sendable {
    /// Refused or failed: this is the answer.
    case answered(Answer)
    case accepted(AcceptedRequest)
}

extension PBXResponder {
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

    /// Every check before the handler, in the documented order (see ``PBXResponder``).
    func checked(_ request: IncomingRequest, endpoint: Endpoint) -> CheckedRequest {
        let (refusal, applied) = prelude(client: request.client, method: request.method, envelope: endpoint.envelope)
        if let refusal { return .answered(refusal) }
        var rateHeaders = HTTPFields()
        do {
            let fields = try check(request, endpoint: endpoint, rateHeaders: &rateHeaders)
            return .accepted(AcceptedRequest(request: request, endpoint: endpoint, fields: fields, applied: applied, rateHeaders: rateHeaders))
        } catch {
            return .answered(failed(error, endpoint: endpoint, applied: applied, rateHeaders: rateHeaders))
        }
    }

    /// The endpoint's handler on an accepted request.
    func handled(_ accepted: AcceptedRequest) -> Answer {
        var answer = handlerAnswer(accepted)
        answer.fields = accepted.fields
        return answer
    }

    private func handlerAnswer(_ accepted: AcceptedRequest) -> Answer {
        let endpoint = accepted.endpoint
        let request = accepted.request
        do {
            let apiRequest = APIRequest(method: request.method, path: endpoint.path, fields: accepted.fields, clientAddress: request.client)
            try apiRequest.checkTypedFields()
            let response = try endpoint.handler(apiRequest, server)
            server.logger.debug(
                "request answered",
                metadata: ["client": "\(request.client)", "path": "\(endpoint.path)", "status": "\(response.status.code)"]
            )
            var headers = response.headers
            headers[.contentType] = response.contentType
            var answer = Answer(status: response.status, headers: headers, body: response.body, rest: response.rest)
            answer.headers.append(contentsOf: accepted.rateHeaders)
            answer.applied += accepted.applied
            return answer
        } catch let error as APIError {
            return failed(error, endpoint: endpoint, applied: accepted.applied, rateHeaders: accepted.rateHeaders)
        } catch let error as ModelError {
            return failed(APIError(error), endpoint: endpoint, applied: accepted.applied, rateHeaders: accepted.rateHeaders)
        } catch {
            server.logger.error("handler failed", metadata: ["path": "\(endpoint.path)", "error": "\(error)"])
            let failure = APIError(.internalServerError, "Server Error", "internal error; see the fakepbx log")
            return failed(failure, endpoint: endpoint, applied: accepted.applied, rateHeaders: accepted.rateHeaders)
        }
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

    // MARK: The fast path

    /// The endpoint a request head may be answered for on the event loop, without Hummingbird's
    /// async bridge; `nil` sends the request the usual way. What needs the async path, and why:
    /// - faults in play: an answer may be delayed, dripped, cut or replaced (suspension);
    /// - recordings (`--replay`): the answer may come from a cassette or an upstream (proxying);
    /// - HEAD: Hummingbird sends the head of the GET answer without its body;
    /// - an endpoint whose ``Endpoint/Work`` grows with the data: it runs on a worker thread.
    func fastPathEndpoint(method: HTTPRequest.Method, path: String) -> Endpoint? {
        guard method != .head, server.replay == nil, server.faults.isEmpty,
            let endpoint = server.catalog.endpoint(for: path), endpoint.work == .light
        else { return nil }
        return endpoint
    }

    /// The whole answer to a fast-path request, or `nil` when a fault appeared meanwhile and the
    /// request must go the usual way (nothing has been counted yet).
    func answerOnTheLoop(_ request: IncomingRequest, endpoint: Endpoint) -> Answer? {
        let started = ContinuousClock.now
        server.timeline.tick(server)
        guard server.faults.isEmpty else { return nil }
        let answer: Answer = switch checked(request, endpoint: endpoint) {
        case .answered(let answer): answer
        case .accepted(let accepted): handled(accepted)
        }
        server.timeline.observe(request.target, server: server)
        journal(request, status: answer.status.code, answer: answer, bytes: answer.body.count, since: started, by: .eventLoop)
        return answer
    }

    /// Records an answered request in the journal: the status and bytes really sent, how long it
    /// took, its fields, and the scheme and TLS facts of its connection.
    func journal(
        _ request: IncomingRequest, status: Int, answer: Answer, bytes: Int?, since started: ContinuousClock.Instant, by entryPoint: EntryPoint
    ) {
        countInAccessLogJails(request, status: status)
        let elapsed = ContinuousClock.now - started
        server.journal.record(RequestJournal.Entry(
            time: server.clock.now, client: request.client, method: request.method.rawValue, path: request.path, status: status,
            applied: answer.applied, scheme: request.tls == nil ? "http" : "https", tls: request.tls,
            fields: answer.fields ?? request.fields, bytes: bytes,
            milliseconds: Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15,
            answeredBy: entryPoint
        ))
    }

    /// What nginx's access log feeds fail2ban once an answer is sent: a GET or POST answered 404
    /// counts for `nginx-404` (its filter: `<HOST> - - [...] "(GET|POST).*HTTP[^ ]* 404`).
    private func countInAccessLogJails(_ request: IncomingRequest, status: Int) {
        guard status == 404, request.method == .get || request.method == .post else { return }
        if let ban = server.policies.jails.record(JailName.nginx404, address: request.client, now: server.clock.now) { logBan(ban) }
    }
}

import ContractKit
import HTTPTypes
import JSONSchema
import Logging

/// The steps every API request goes through, in order, whichever entry point read it: who sent it
/// (the client address, `X-Forwarded-For` trusted only from configured proxies), the clock (due
/// scenario steps fire), faults, the access checks (``RequestPipeline/checked(_:endpoint:)``), the
/// handler (or a recording), then observation (call-count steps) and the journal.
///
/// The two entry points only translate bytes to and from it: ``FastPathHandler`` on the event loop
/// for a request that needs nothing asynchronous (``Needs``), ``PBXResponder`` for the rest.
struct RequestPipeline: Sendable {
    let server: PBXServer
    /// What handlers may use, made once.
    let handlerContext: HandlerContext

    init(server: PBXServer) {
        self.server = server
        self.handlerContext = HandlerContext(server)
    }

    /// What a request needs beyond the synchronous steps. A request that needs nothing is answered
    /// on the event loop that read it.
    struct Needs: OptionSet, Sendable {
        let rawValue: UInt8
        /// Faults are in play: the answer may be delayed, dripped, cut or replaced.
        static let suspension = Needs(rawValue: 1 << 0)
        /// Recordings (`--replay`): the answer may come from a cassette or an upstream.
        static let proxying = Needs(rawValue: 1 << 1)
        /// The endpoint's work grows with the data (``Endpoint/Work``): it runs on a worker thread
        /// and its answer streams.
        static let streaming = Needs(rawValue: 1 << 2)
        /// No endpoint serves the path: the recordings or the 404 answers decide.
        static let unknownPath = Needs(rawValue: 1 << 3)
    }

    /// What a request for `path` needs, and the endpoint that serves it.
    func needs(path: String) -> (Needs, Endpoint?) {
        var needs: Needs = []
        if !server.faults.isEmpty { needs.insert(.suspension) }
        if server.replay != nil { needs.insert(.proxying) }
        guard let endpoint = server.catalog.endpoint(for: path) else { return (needs.union(.unknownPath), nil) }
        if endpoint.work == .growsWithData { needs.insert(.streaming) }
        return (needs, endpoint)
    }

    /// What a request's head decides before its body is read, for the entry points.
    struct HeadDecision {
        /// The endpoint that serves the path, if any.
        var endpoint: Endpoint?
        var needs: Needs
        /// Refused whatever its body says (``RequestPipeline/refusedAtHead(_:headers:peer:)``).
        var refused: Bool
        /// Answered on the event loop: it needs nothing asynchronous.
        var onTheLoop: Bool { needs.isEmpty && endpoint != nil }
    }

    /// The endpoint, the needs and the refusal of a request, from its head.
    func decide(path: String, headers: HTTPFields, peer: IPAddress, secure: Bool) -> HeadDecision {
        let (needs, endpoint) = needs(path: path)
        // Redirected to HTTPS from the head, before the whitelist is asked and without reading the
        // body (no 100 Continue), as nginx's server-level rewrite does.
        let redirected = redirectsToHTTPS(path: path, secure: secure) && needs.isDisjoint(with: [.suspension, .proxying, .unknownPath])
        let refused = redirected || refusedAtHead(needs, headers: headers, peer: peer)
        return HeadDecision(endpoint: endpoint, needs: needs, refused: refused)
    }

    /// The first steps: the client's address, then the clock (due scenario steps fire).
    func admit(
        method: HTTPRequest.Method, path: String, query: String, headers: HTTPFields, peer: IPAddress,
        body: Result<[UInt8], APIError>, tls: TLSConnectionInfo?, authority: String? = nil
    ) -> IncomingRequest {
        let (client, unreadable) = server.access.addressResolver.resolve(peer: peer, forwardedFor: headers[values: .xForwardedFor])
        server.timeline.tick(server)
        var request = IncomingRequest(method: method, path: path, query: query, headers: headers, client: client, body: body, tls: tls)
        request.authority = authority
        if let unreadable { request.body = .failure(.invalidRequest(unreadable)) }
        return request
    }

    /// The faults that fire on this request.
    func faults(for request: IncomingRequest) -> [Fault] {
        server.faults.isEmpty ? [] : server.faults.select(request.target(server.formReading), now: server.clock.now)
    }

    /// The whole answer of a request that needs nothing asynchronous, or `nil` when a fault appeared
    /// meanwhile (a scenario step fired) and the request must go the usual way; nothing has been
    /// counted then.
    func answerNow(_ request: IncomingRequest, endpoint: Endpoint) -> Answer? {
        guard server.faults.isEmpty else { return nil }
        switch checked(request, endpoint: endpoint) {
        case .answered(let answer): return answer
        case .accepted(let accepted): return handled(accepted)
        }
    }

    /// The emulator's answer, policies applied, before any fault; with `withheld`, the checks run but
    /// the script does not (an error fault stands for a request that never reached it).
    func answer(_ request: IncomingRequest, withheld: Bool) async -> Answer {
        guard let endpoint = server.catalog.endpoint(for: request.path) else { return await unknownPath(request) }
        if server.replay?.mode == .answers, !withheld {
            if let recorded = await recordedFirst(request, endpoint: endpoint) { return recorded }
        }
        switch checked(request, endpoint: endpoint) {
        case .answered(let answer):
            return answer
        case .accepted(let accepted) where withheld:
            var answer = Answer(status: .ok, headers: accepted.rateHeaders, body: [])
            answer.applied = accepted.applied
            answer.fields = accepted.fields
            return answer
        case .accepted(let accepted):
            if server.replay?.mode == .policies, case .success(let body) = request.body,
                var replayed = await replayAnswer(request, body: body, fields: accepted.fields)
            {
                replayed.headers.append(contentsOf: accepted.rateHeaders)
                replayed.applied += accepted.applied
                replayed.fields = accepted.fields
                return replayed
            }
            guard endpoint.work == .growsWithData else { return handled(accepted) }
            // So other connections are not held up.
            return await offTheEventLoop { handled(accepted) }
        }
    }

    /// The last steps, once the answer is sent: call-count scenario steps, the access-log jails and
    /// the journal, with the answer really sent (`sent`, nil for a cut connection) and its body's
    /// bytes; `answer` is the pipeline's, with what applied and the request's fields.
    func complete(
        _ request: IncomingRequest, answer: Answer, sent: Answer?, bytes: Int?, since started: ContinuousClock.Instant, by entryPoint: EntryPoint
    ) {
        let status = sent?.status.code ?? 0
        server.timeline.observe(request.target(server.formReading), server: server)
        countInAccessLogJails(request, status: status)
        let elapsed = ContinuousClock.now - started
        server.journal.record(
            RequestJournal.Entry(
                time: server.clock.now, client: request.client, method: request.method.rawValue, path: request.path, status: status,
                applied: answer.applied, scheme: request.tls == nil ? "http" : "https", tls: request.tls,
                detail: answer.detail, fields: answer.fields ?? request.fields(server.formReading), query: request.query, bytes: bytes,
                milliseconds: Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15,
                answeredBy: entryPoint, answer: sent.map { JournalAnswer($0, sentBytes: bytes, isHead: request.method == .head) }
            ))
    }

    /// What nginx's access log feeds fail2ban once an answer is sent: a GET or POST answered 404
    /// counts for `nginx-404` (its filter: `<HOST> - - [...] "(GET|POST).*HTTP[^ ]* 404`).
    private func countInAccessLogJails(_ request: IncomingRequest, status: Int) {
        guard status == 404, request.method == .get || request.method == .post else { return }
        if let ban = server.policies.jails.record(JailName.nginx404, address: request.client, now: server.clock.now) { logBan(ban) }
    }

    func logBan(_ ban: Jails.Ban) {
        server.logger.notice(
            "address banned",
            metadata: ["client": "\(ban.address)", "jail": "\(ban.jail)", "until": "\(Timestamp.iso8601(Int(ban.until)))"]
        )
        server.journal.event(
            "ban-started", client: ban.address, time: server.clock.now, applied: ["ban:\(ban.jail)"],
            detail: "banned by the \(ban.jail) jail until \(Timestamp.iso8601(Int(ban.until)))"
        )
    }

    /// `error` as the endpoint's envelope writes it.
    func render(_ error: APIError, envelope: Endpoint.Envelope) -> Answer {
        let document: JSONValue
        switch envelope {
        case .chkcon:
            document = ["success": 0, "message": .string(error.message)]
        case .standard:
            var envelope: JSONObject = [
                "status": "error", "message": .string(error.message),
                "timestamp": .string(Timestamp.iso8601(server.clock.epochSeconds)),
            ]
            for member in error.extra { envelope[member.key] = member.value }
            document = .object(envelope)
        }
        var headers = error.headers
        headers[.contentType] = "application/json"
        return Answer(status: error.status, headers: headers, body: document.serializedBytes())
    }
}

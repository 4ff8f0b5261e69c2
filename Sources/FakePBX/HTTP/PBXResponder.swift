public import Hummingbird
import Foundation
import ContractKit
import HTTPTypes
import JSONSchema
import Logging
import NIOCore

/// Answers every request of the fake PBX.
///
/// The checks run in a fixed order: the control API (`/__fakepbx/`, no PBX policy applies), the
/// `nginx-dos` jail (every request counts), a ban (with `--ban-action 403`; the other actions refuse
/// the connection before any request, see ``BanGuard``), unknown path (404), whitelist (403), method
/// (405), body size (413) and syntax (400), rate limit (429), the client's contract
/// (`--verify-client`), credentials (401, counted by the `fusionpbx` jail), parameters (400), then
/// the endpoint's handler. Paths are matched exactly, with a dictionary lookup, because the real
/// scripts live at fixed paths. The checks and the handler are synchronous (`PBXResponder+Core`):
/// ordinary requests are answered by ``FastPathHandler`` on the event loop, the rest here.
public struct PBXResponder: HTTPResponder {
    public typealias Context = PBXRequestContext
    let server: PBXServer

    public init(server: PBXServer) { self.server = server }

    public func respond(to request: Request, context: PBXRequestContext) async throws -> Response {
        let started = ContinuousClock.now
        let path = request.uri.path
        let peer = context.remoteAddress.flatMap(IPAddress.init) ?? IPAddress("0.0.0.0")!
        if path.hasPrefix(ControlAPI.prefix) {
            // A ban answered with 403 covers the control API on this port too, as an iptables ban
            // covers every port; `--admin-port` is the way in for a test that banned itself.
            if server.policies.banAction == .forbidden, let ban = server.policies.jails.ban(for: peer, now: server.clock.now) {
                return render(.banned(ban), envelope: .standard).response(method: request.method)
            }
            return await ControlAPI(server: server).respond(to: request, peer: peer)
        }

        let client = server.policy.addressResolver.clientAddress(peer: peer, forwardedFor: request.headers[values: .xForwardedFor])
        server.timeline.tick(server)
        let tls = context.channel.flatMap { server.tls?.connections.info(for: $0) }
        let incoming = IncomingRequest(
            method: request.method, path: path, query: request.uri.query ?? "", headers: request.headers, client: client,
            body: await readBody(request), tls: tls
        )
        let faults = server.faults.isEmpty ? [] : server.faults.select(incoming.target, now: server.clock.now)
        // A fault that answers with an error keeps the request from the script, unless it commits.
        let withheld = faults.contains { $0.withholdsWrite }
        var answer = await answer(request, incoming, withheld: withheld)
        if withheld { answer.applied.append("not-committed") }
        server.timeline.observe(incoming.target, server: server)
        let response = await finish(answer, faults: faults, method: request.method, path: path, context: context)
        // What the client was really sent: the fault's status, or none when the connection was cut.
        let cut = faults.contains { $0.kind.cutsConnection }
        var bytes = request.method == .head ? 0 : response.body.contentLength
        for fault in faults {
            if case .truncate(let limit) = fault.kind { bytes = min(bytes ?? limit, limit) }
        }
        answer.applied += faults.map { "fault:\($0.id)" }
        journal(incoming, status: cut ? 0 : response.status.code, answer: answer, bytes: cut ? 0 : bytes, since: started, by: .hummingbird)
        return response
    }

    /// The emulator's answer, policies applied, before any fault; with `withheld`, the checks run but
    /// the script does not (an error fault stands for a request that never reached it).
    private func answer(_ request: Request, _ incoming: IncomingRequest, withheld: Bool) async -> Answer {
        let path = incoming.path
        guard let endpoint = server.catalog.endpoint(for: path) else {
            return await unknownPath(request, incoming)
        }
        switch checked(incoming, endpoint: endpoint) {
        case .answered(let answer):
            return answer
        case .accepted(let accepted) where withheld:
            var answer = Answer(status: .ok, headers: accepted.rateHeaders, body: [])
            answer.applied = accepted.applied
            answer.fields = accepted.fields
            return answer
        case .accepted(let accepted):
            if server.replay != nil, case .success(let body) = incoming.body,
                var replayed = await replayAnswer(request, body: body, fields: accepted.fields) {
                replayed.headers.append(contentsOf: accepted.rateHeaders)
                replayed.applied += accepted.applied
                replayed.fields = accepted.fields
                return replayed
            }
            // Work that grows with the data runs off the event loop, so other connections are not held up.
            guard endpoint.work == .growsWithData else { return handled(accepted) }
            return await offTheEventLoop { handled(accepted) }
        }
    }

    /// A path no endpoint serves: the recordings may know it, else 404.
    private func unknownPath(_ request: Request, _ incoming: IncomingRequest) async -> Answer {
        let path = incoming.path, client = incoming.client
        let (refusal, _) = prelude(client: client, method: request.method, envelope: .standard)
        if let refusal { return refusal }
        if server.replay != nil {
            guard server.policy.allows(client) else { return render(.whitelistDenied, envelope: .standard) }
            let body = (try? incoming.body.get()) ?? []
            let fields = (try? RequestForm.fields(query: request.uri.query ?? "", body: body, contentType: request.headers[.contentType])) ?? [:]
            if let replayed = await replayAnswer(request, body: body, fields: fields) { return replayed }
        }
        if let verifier = server.clientVerifier {
            let incoming = IncomingRequest(method: request.method, path: path, query: request.uri.query ?? "", headers: request.headers, client: client, body: .success([]))
            let violations = verifier.verify(exchangeRequest(incoming, form: [:]), client: client.description, time: Timestamp.iso8601(server.clock.epochSeconds))
            if verifier.mode == .strict { return render(.contractViolated(violations), envelope: .standard) }
        }
        // nginx hands every *.php to PHP-FPM, which answers a script that does not exist in plain text.
        if path.hasSuffix(".php") { return .phpFileNotFound }
        return render(.endpointNotFound(path), envelope: .standard)
    }

    /// The recorded answer to this request, or what the miss policy gives; `nil` to let the
    /// emulator answer.
    private func replayAnswer(_ request: Request, body: [UInt8], fields: [String: String]) async -> Answer? {
        guard let replay = server.replay else { return nil }
        let path = request.uri.path
        if let match = replay.answer(method: request.method.rawValue, path: path, fields: fields) {
            var answer = match.entry.answer
            answer.applied.append("replay:\(match.entry.label)")
            if !match.matchedByRedaction.isEmpty {
                answer.applied.append("replay-redacted:\(match.matchedByRedaction.joined(separator: ","))")
            }
            return answer
        }
        switch replay.missPolicy {
        case .emulate:
            return nil
        case .error:
            let candidates = replay.nearest(method: request.method.rawValue, path: path, fields: fields)
            let summary = candidates.first.map { "; nearest: \($0.0.label) (\($0.0.exchange.request.method) \($0.0.exchange.request.path)), which differs in \($0.1.joined(separator: "; "))" } ?? "; the cassettes hold no exchanges"
            var error = APIError(.notFound, "Not Found", "no recorded exchange for \(request.method.rawValue) \(path)\(summary)")
            error.extra["candidates"] = .array(candidates.map { entry, differences in
                [
                    "exchange": .string(entry.label), "name": .string(entry.exchange.name), "differences": .array(differences.map(JSONValue.string)),
                    // Redacted when recorded: any value the client sends matches these.
                    "matches_any_value": .array(replay.matchingAnyValue(entry).map(JSONValue.string)),
                ]
            })
            var answer = render(error, envelope: .standard)
            answer.applied.append("replay-miss")
            return answer
        case .proxy:
            guard let forwarder = server.missForwarder else { return nil }
            let started = Date()
            do {
                let forwarded = try await forwarder.forward(
                    method: request.method.rawValue, uri: request.uri.description, headers: request.headers, body: ByteBuffer(bytes: body)
                )
                if let recorder = server.missRecorder {
                    let exchange = UpstreamForwarder.exchange(
                        method: request.method.rawValue, path: path, query: request.uri.query ?? "", headers: request.headers,
                        body: body, answer: forwarded, started: started
                    )
                    _ = try? recorder.append(Redactor().redact(exchange))
                }
                var answer = Answer(status: HTTPResponse.Status(code: forwarded.status), headers: forwarded.fields, body: forwarded.bytes)
                answer.applied.append("replay-miss-proxied")
                return answer
            } catch {
                var answer = render(APIError(.badGateway, "Server Error", "the upstream \(forwarder.upstream) did not answer: \(error)"), envelope: .standard)
                answer.applied.append("replay-miss-proxy-failed")
                return answer
            }
        }
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

    /// Whitelist, method, body, rate limit, the client's contract and credentials, in that order;
    /// the request's fields (query and body, credentials removed) when it passes.
    func check(
        _ request: IncomingRequest, endpoint: Endpoint, rateHeaders: inout HTTPFields
    ) throws(APIError) -> [String: String] {
        let client = request.client
        let policy = server.policy
        guard policy.allows(client) else {
            server.logger.notice("request from non-whitelisted address denied", metadata: ["client": "\(client)", "path": "\(endpoint.path)"])
            throw APIError.whitelistDenied
        }

        // HEAD is allowed wherever GET is.
        guard endpoint.methods.contains(request.method) || (request.method == .head && endpoint.methods.contains(.get)) else {
            if let verifier = server.clientVerifier {
                let violations = verifier.verify(
                    exchangeRequest(request, form: [:]), client: client.description, time: Timestamp.iso8601(server.clock.epochSeconds)
                )
                if verifier.mode == .strict, !violations.isEmpty { throw APIError.contractViolated(violations) }
            }
            throw APIError.methodNotAllowed(request.method, allowed: endpoint.methods)
        }

        let queryFields = try FormBody.query(request.query)
        let bodyFields = try FormBody.decode(try request.body.get(), contentType: request.headers[.contentType])
        var fields = RequestForm.merged(query: queryFields, body: bodyFields)
        let presented = PresentedCredentials(fields: fields, headers: request.headers)

        let now = server.clock.now
        let limiter = server.policies.rateLimiter
        let rateKey: RateLimiter.Subject = switch limiter.keyedBy {
        case .ip: .address(client)
        case .user: presented.username.map { .name("user:\($0)") } ?? .address(client)
        case .key: presented.apiKey.map { .name("key:\(String($0.hashValue, radix: 16))") } ?? .address(client)
        }
        if let decision = limiter.count(endpoint.rateClass, key: rateKey, now: now) {
            rateHeaders[.xRateLimitLimit] = String(decision.limit)
            rateHeaders[.xRateLimitRemaining] = String(decision.remaining)
            rateHeaders[.xRateLimitReset] = String(decision.reset)
            guard decision.allowed else {
                throw APIError.rateLimited(endpoint.rateClass, decision: decision, now: now)
            }
        }

        if let verifier = server.clientVerifier {
            let violations = verifier.verify(
                exchangeRequest(request, form: bodyFields), client: client.description, time: Timestamp.iso8601(Int(now))
            )
            if !violations.isEmpty {
                server.logger.notice(
                    "request breaks its contract",
                    metadata: ["client": "\(client)", "path": "\(endpoint.path)", "violations": "\(violations.count)"]
                )
                if verifier.mode == .strict { throw APIError.contractViolated(violations) }
            }
        }

        if endpoint.credentialProfiles.contains(policy.profile) {
            switch policy.credentials.check(presented, profile: policy.profile) {
            case .accepted:
                break
            case .missing:
                throw APIError.authenticationFailed("Missing credentials; send username and password, or an API key")
            case .rejected:
                server.logger.notice(
                    "authentication failed",
                    metadata: ["client": "\(client)", "user": "\(presented.username ?? "-")", "path": "\(endpoint.path)"]
                )
                server.policies.authLog?.failedLogin(epochSeconds: Int(now), address: client, user: presented.username ?? "")
                if let ban = server.policies.jails.record(JailName.fusionpbx, address: client, now: now) {
                    logBan(ban)
                    throw APIError.authenticationFailed("Invalid credentials", banned: ban)
                }
                throw APIError.authenticationFailed("Invalid credentials")
            }
        }
        for name in presented.formFields { fields[name] = nil }
        return fields
    }

    /// The request as the contracts see it: method, path, query, headers and body fields.
    private func exchangeRequest(_ request: IncomingRequest, form: [String: String]) -> ExchangeRequest {
        ExchangeRequest(
            method: request.method.rawValue, path: request.path, query: request.query,
            headers: Exchange.headerMap(request.headers.map { ($0.name.canonicalName, $0.value) }), form: form
        )
    }

    /// The body, or 413 when it is over the limit (raised later, in the order of the checks).
    private func readBody(_ request: Request) async -> Result<[UInt8], APIError> {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > EndpointCatalog.maxBodySize {
            return .failure(.payloadTooLarge)
        }
        var request = request
        do {
            let buffer = try await request.collectBody(upTo: EndpointCatalog.maxBodySize)
            return .success(Array(buffer.readableBytesView))
        } catch {
            return .failure(.payloadTooLarge)
        }
    }

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

/// An answer before it is sent: what faults work on.
struct Answer: Sendable {
    var status: HTTPResponse.Status
    /// Headers, Content-Type included.
    var headers: HTTPFields
    var body: [UInt8]
    /// The rest of a streamed body (see ``EndpointResponse/rest``).
    var rest: (any BodyProducer)?
    /// The policies that decided it, for the journal.
    var applied: [String] = []
    /// The request's fields (credentials removed), for the journal; `nil` when the request was
    /// refused before they were checked.
    var fields: [String: String]?

    init(status: HTTPResponse.Status, headers: HTTPFields, body: [UInt8], rest: (any BodyProducer)? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.rest = rest
    }

    /// PHP-FPM's answer for a `.php` path with no script behind it (fpm_main.c: "File not found.").
    static let phpFileNotFound = Answer(
        status: .notFound, headers: [.contentType: "text/html; charset=UTF-8"], body: Array("File not found.\n".utf8)
    )

    /// Reads a streamed body whole, for the faults that rewrite bodies.
    mutating func materialize() {
        guard var producer = rest else { return }
        while let chunk = producer.nextChunk() { body += chunk }
        rest = nil
    }

    /// The response, with headers only for HEAD.
    func response(method: HTTPRequest.Method) -> Response {
        if method == .head {
            var fields = headers
            if rest == nil { fields[.contentLength] = String(body.count) }
            return Response(status: status, headers: fields, body: ResponseBody())
        }
        guard let rest else {
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
        let first = body
        return Response(status: status, headers: headers, body: ResponseBody { writer in
            var producer = rest
            try await writer.write(ByteBuffer(bytes: first))
            try await producer.stream { buffer in
                try Task.checkCancellation()
                try await writer.write(buffer)
            }
            try await writer.finish(nil)
        })
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let xRateLimitLimit = HTTPField.Name("X-RateLimit-Limit")!
    static let xRateLimitRemaining = HTTPField.Name("X-RateLimit-Remaining")!
    static let xRateLimitReset = HTTPField.Name("X-RateLimit-Reset")!
}

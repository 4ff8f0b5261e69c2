import ContractKit
import Foundation
import HTTPTypes
import JSONSchema
import NIOCore

/// Recordings (`--replay`) and paths no endpoint serves.
extension RequestPipeline {
    /// A path no endpoint serves: the recordings may know it, else 404.
    func unknownPath(_ request: IncomingRequest) async -> Answer {
        let (refusal, applied) = prelude(client: request.client, method: request.method, envelope: .standard)
        if let refusal { return refusal }
        if let redirect = httpsRedirect(request, applied: applied) { return redirect }
        if server.replay != nil {
            guard server.access.allows(request.client) else { return render(.whitelistDenied, envelope: .standard) }
            let body = (try? request.body.get()) ?? []
            let fields = (try? RequestForm.fields(query: request.query, body: body, contentType: request.headers[.contentType])) ?? [:]
            if let replayed = await replayAnswer(request, body: body, fields: fields) { return replayed }
        }
        do {
            try verifyContract(request, form: [:])
        } catch {
            return render(error, envelope: .standard)
        }
        // nginx hands every *.php to PHP-FPM, which answers a script that does not exist in plain text.
        if request.path.hasSuffix(".php") { return .phpFileNotFound }
        return render(.endpointNotFound(request.path), envelope: .standard)
    }

    /// In `answers` mode, the recorded answer to a request from a whitelisted client with good
    /// credentials, before rate limits and jails count it: the recording holds their effect. `nil`
    /// sends the request the usual way (checked, then the emulator), to be refused or answered there.
    func recordedFirst(_ request: IncomingRequest, endpoint: Endpoint) async -> Answer? {
        // A live ban answered with 403 still applies (a reset one acts on the connection, before this).
        if server.policies.banAction == .forbidden, server.policies.jails.ban(for: request.client, now: server.clock.now) != nil { return nil }
        guard server.access.allows(request.client), case .success(let body) = request.body,
            let queryFields = try? FormBody.query(request.query, reading: .lenient),
            let bodyFields = try? FormBody.decode(body, contentType: request.headers[.contentType], reading: .lenient)
        else { return nil }
        var fields = RequestForm.merged(query: queryFields.fields, body: bodyFields.fields)
        let presented = PresentedCredentials(fields: fields, headers: request.headers)
        let access = server.access
        if endpoint.credentialProfiles.contains(access.profile), access.credentials.check(presented, profile: access.profile) != .accepted {
            return nil
        }
        for name in presented.formFields { fields[name] = nil }
        guard var answer = await replayAnswer(request, body: body, fields: fields) else { return nil }
        answer.fields = fields
        return answer
    }

    /// The recorded answer to this request, or what the miss policy gives; `nil` to let the
    /// emulator answer.
    func replayAnswer(_ request: IncomingRequest, body: [UInt8], fields: [String: String]) async -> Answer? {
        guard let replay = server.replay else { return nil }
        let method = request.method.rawValue
        let path = request.path
        if let match = replay.answer(method: method, path: path, fields: fields) {
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
            let candidates = replay.nearest(method: method, path: path, fields: fields)
            let summary =
                candidates.first.map {
                    "; nearest: \($0.0.label) (\($0.0.exchange.request.method) \($0.0.exchange.request.path)), which differs in \($0.1.joined(separator: "; "))"
                } ?? "; the cassettes hold no exchanges"
            var error = APIError(.notFound, "Not Found", "no recorded exchange for \(method) \(path)\(summary)")
            error.extra["candidates"] = .array(
                candidates.map { entry, differences in
                    [
                        "exchange": .string(entry.label), "name": .string(entry.exchange.name),
                        "differences": .array(differences.map(JSONValue.string)),
                        // Redacted when recorded: any value the client sends matches these.
                        "matches_any_value": .array(replay.matchingAnyValue(entry).map(JSONValue.string)),
                    ]
                })
            var answer = render(error, envelope: .standard)
            answer.applied.append("replay-miss")
            return answer
        case .proxy:
            return await proxied(request, body: body)
        }
    }

    /// A replay miss sent on to the upstream (`--on-miss proxy`), and recorded when asked.
    private func proxied(_ request: IncomingRequest, body: [UInt8]) async -> Answer? {
        guard let forwarder = server.missForwarder else { return nil }
        let started = Date()
        do {
            let (forwarded, bytes) = try await forwarder.forwardCollected(
                method: request.method.rawValue, uri: request.uri, headers: request.headers, body: ByteBuffer(bytes: body))
            if let recorder = server.missRecorder {
                let exchange = UpstreamForwarder.exchange(
                    method: request.method.rawValue, path: request.path, query: request.query, headers: request.headers,
                    body: body, response: ExchangeResponse(status: forwarded.status, headers: forwarded.headers, bytes: bytes), started: started
                )
                _ = try? recorder.append(Redactor().redact(exchange))
            }
            var answer = Answer(status: HTTPResponse.Status(code: forwarded.status), headers: forwarded.fields, body: bytes)
            answer.applied.append("replay-miss-proxied")
            return answer
        } catch {
            var answer = render(
                APIError(.badGateway, "Server Error", "the upstream \(forwarder.upstream) did not answer: \(error)"), envelope: .standard)
            answer.applied.append("replay-miss-proxy-failed")
            return answer
        }
    }
}

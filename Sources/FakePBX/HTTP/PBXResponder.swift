import ContractKit
import Foundation
import HTTPTypes
public import Hummingbird
import JSONSchema
import Logging
import NIOCore

/// Hummingbird's entry point to the fake PBX: the control API (`/__fakepbx/`, no PBX policy
/// applies), and every API request the event loop's ``FastPathHandler`` did not answer, taken
/// through the one ``RequestPipeline`` and sent with its faults (``finish(_:faults:method:path:context:)``).
/// The order of the checks is documented on ``RequestPipeline/checked(_:endpoint:)``.
public struct PBXResponder: HTTPResponder {
    public typealias Context = PBXRequestContext
    let server: PBXServer
    let pipeline: RequestPipeline
    /// The control API's router (also the whole `--admin-port` listener).
    let control: RouterResponder<PBXRequestContext>

    public init(server: PBXServer) {
        self.server = server
        self.pipeline = RequestPipeline(server: server)
        self.control = ControlAPI.responder(server: server)
    }

    public func respond(to request: Request, context: PBXRequestContext) async throws -> Response {
        let started = ContinuousClock.now
        let path = request.uri.path
        let peer = context.peer
        if path.hasPrefix(ControlAPI.prefix) {
            // A ban answered with 403 covers the control API on this port too, as an iptables ban
            // covers every port; `--admin-port` is the way in for a test that banned itself.
            if server.policies.banAction == .forbidden, let ban = server.policies.jails.ban(for: peer, now: server.clock.now) {
                return pipeline.render(.banned(ban), envelope: .standard).response(method: request.method)
            }
            return try await control.respond(to: request, context: context)
        }

        let incoming = pipeline.admit(
            method: request.method, path: path, query: request.uri.query ?? "", headers: request.headers, peer: peer,
            body: await readBody(request), tls: context.channel.flatMap { server.tls?.connections.info(for: $0) }, authority: request.head.authority
        )
        let faults = pipeline.faults(for: incoming)
        // A fault that answers with an error keeps the request from the script, unless it commits.
        let withheld = faults.contains { $0.withholdsWrite }
        var answer = await pipeline.answer(incoming, withheld: withheld)
        if withheld { answer.applied.append("not-committed") }
        var sent = answer
        let response = await finish(&sent, faults: faults, method: request.method, path: path, context: context)
        // What the client was really sent: the fault's status, or none when the connection was cut.
        let ending = PBXResponder.ending(faults, answer, length: response.body.contentLength)
        let cut = ending.map { $0 != .brokeOff } ?? false
        var bytes = request.method == .head ? 0 : response.body.contentLength
        for fault in faults {
            if case .truncate(let limit) = fault.kind { bytes = min(bytes ?? limit, limit) }
        }
        answer.applied += faults.map { "fault:\($0.id)" }
        if let ending { answer.applied.append("outcome:\(ending.rawValue)") }
        pipeline.complete(incoming, answer: answer, sent: cut ? nil : sent, bytes: cut ? 0 : bytes, since: started, by: .hummingbird)
        return response
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
    /// What the journal says of how the request was read (``RequestForm/Note``), when anything.
    var detail: String?
    /// How a recorded exchange ended without a whole answer, and how long the recording waited:
    /// replay ends the connection the same way (``PBXResponder/finish(_:faults:method:path:context:)``).
    var outcome: (ConnectionOutcome, waited: Double)?

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

    /// Adds PHP's reading notes to what applied and the journal's detail.
    mutating func note(_ notes: [RequestForm.Note]) {
        guard !notes.isEmpty else { return }
        for note in notes {
            switch note {
            case .bodyNotRead: applied.append("php:body-not-read")
            case .inputVarsExceeded: applied.append("php:max_input_vars")
            }
        }
        detail = notes.map(\.description).joined(separator: "; ")
    }

    /// Reads a streamed body whole, for the faults that rewrite bodies.
    mutating func materialize() {
        guard var producer = rest else { return }
        while let chunk = producer.nextChunk() { body += chunk }
        rest = nil
    }

    /// The response head as sent, by either entry point: the headers, with Content-Length when the
    /// body is whole (a streamed body goes chunked).
    var head: HTTPResponse {
        var fields = headers
        if rest == nil { fields[.contentLength] = String(body.count) }
        return HTTPResponse(status: status, headerFields: fields)
    }

    /// The response, with headers only for HEAD.
    func response(method: HTTPRequest.Method) -> Response {
        if method == .head {
            return Response(status: status, headers: head.headerFields, body: ResponseBody())
        }
        guard let rest else {
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
        let first = body
        return Response(
            status: status, headers: headers,
            body: ResponseBody { writer in
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

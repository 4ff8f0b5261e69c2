import AsyncHTTPClient
public import ContractKit
import Foundation
import HTTPTypes
public import Hummingbird
import JSONSchema
public import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import ServiceLifecycle

/// What `fakepbx record` is told.
public struct RecordingConfiguration: Sendable {
    /// The real server, e.g. `https://pbx.example.com`.
    public var upstream: String
    /// The cassette to write (continued when it exists).
    public var output: String
    public var host = "127.0.0.1"
    public var port = 8081
    public var portFile: String?
    /// Accept any TLS certificate from the upstream (self-signed staging servers).
    public var trust = ClientTrust()
    /// Also replace phone numbers, IP addresses and domains with consistent stand-ins.
    public var pseudonymize = false
    /// Fields and headers to keep unredacted.
    public var keep: [String] = []
    /// Seconds to wait for the upstream's answer before the exchange is a `timeout`.
    public var upstreamTimeout: Double = 120

    public init(upstream: String, output: String) {
        self.upstream = upstream
        self.output = output
    }
}

/// Sends requests to a real server and brings its answers back unchanged (redirects not followed).
struct UpstreamForwarder: Sendable {
    let upstream: String
    let client: HTTPClient
    /// How long to wait for the upstream's answer.
    var timeout: TimeAmount = .seconds(120)

    /// Headers that belong to one connection, not to the exchange.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection", "content-length", "host",
    ]

    /// An upstream answer's head; its body comes as `body`, chunk by chunk.
    struct Answer: Sendable {
        var status: Int
        /// What goes back to the client: the upstream's headers without hop-by-hop ones, its
        /// `Content-Length` kept, so a chunked answer stays chunked and a sized one sized.
        var fields: HTTPFields
        /// By lower-case name, as a cassette keeps them (no `Content-Length`: replay sets its own).
        var headers: [String: String]
        var body: HTTPClientResponse.Body
    }

    /// Sends the request and returns as soon as the upstream's head arrives.
    func forward(method: String, uri: String, headers: HTTPFields, body: ByteBuffer) async throws -> Answer {
        var outbound = HTTPClientRequest(url: upstream + uri)
        outbound.method = HTTPMethod(rawValue: method)
        for field in headers where !UpstreamForwarder.hopByHop.contains(field.name.canonicalName) {
            outbound.headers.add(name: field.name.rawName, value: field.value)
        }
        if body.readableBytes > 0 { outbound.body = .bytes(body) }
        let answer = try await client.execute(outbound, timeout: timeout)
        let kept = answer.headers.filter { !UpstreamForwarder.hopByHop.contains($0.name.lowercased()) }
        var fields = HTTPFields()
        for header in kept { if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) } }
        if let length = answer.headers.first(name: "content-length") { fields[.contentLength] = length }
        return Answer(
            status: Int(answer.status.code), fields: fields, headers: Exchange.headerMap(kept.map { ($0.name, $0.value) }), body: answer.body
        )
    }

    /// Sends the request and collects the whole answer: its head (without `Content-Length`, which the
    /// answer's own body sets) and its bytes.
    func forwardCollected(method: String, uri: String, headers: HTTPFields, body: ByteBuffer) async throws -> (Answer, [UInt8]) {
        var answer = try await forward(method: method, uri: uri, headers: headers, body: body)
        answer.fields[.contentLength] = nil
        let collected = try await answer.body.collect(upTo: RecordingResponder.recordedLimit)
        return (answer, Array(collected.readableBytesView))
    }

    /// The exchange as a cassette records it: the answer, or what arrived of it and how the
    /// connection ended (`outcome`).
    static func exchange(
        method: String, path: String, query: String, headers: HTTPFields, body: [UInt8], response: ExchangeResponse?,
        outcome: ConnectionOutcome? = nil, started: Date
    ) -> Exchange {
        let requestHeaders = Exchange.headerMap(
            headers.filter { !hopByHop.contains($0.name.canonicalName) }.map { ($0.name.canonicalName, $0.value) }
        )
        return Exchange(
            name: "\(method) \(path)",
            request: ExchangeRequest(
                method: method, path: path, query: query, headers: requestHeaders,
                form: RecordingResponder.formFields(body, contentType: requestHeaders["content-type"])
            ),
            response: response,
            outcome: outcome,
            timing: .init(
                startedAt: Timestamp.iso8601(Int(started.timeIntervalSince1970)), durationMilliseconds: Date().timeIntervalSince(started) * 1000)
        )
    }

    static func makeClient(_ trust: ClientTrust) throws(ContractError) -> HTTPClient {
        var configuration = try trust.clientConfiguration()
        // A connection the upstream refuses, or a handshake it fails, is the outcome to pass on and
        // record, not something to retry until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}

/// A reverse proxy: each request goes to the upstream unchanged, its answer streams back unchanged,
/// and the exchange, redacted, is appended to the cassette right after the answer's last byte, before
/// the connection's next request is read. When the upstream gives no whole answer (it resets, closes,
/// stops answering, fails TLS, cannot be reached, or breaks off), the client's connection ends the
/// same way (``ConnectionOutcome/faultKind(waited:)``) and the cassette keeps the outcome.
struct RecordingResponder: HTTPResponder {
    typealias Context = PBXRequestContext
    let forwarder: UpstreamForwarder
    let recorder: CassetteRecorder
    let redactor: Redactor
    let logger: Logger
    let onRecorded: @Sendable (Int, Exchange) -> Void

    /// The most of one answer a cassette keeps; a larger answer still passes through, unrecorded.
    static let recordedLimit = 512 << 20

    func respond(to request: Request, context: PBXRequestContext) async throws -> Response {
        let started = Date()
        var request = request
        let body = try await request.collectBody(upTo: 64 << 20)
        let answer: UpstreamForwarder.Answer
        do {
            answer = try await forwarder.forward(method: request.method.rawValue, uri: request.uri.description, headers: request.headers, body: body)
        } catch {
            var outcome = ConnectionOutcome(upstreamError: error)
            if outcome == .closed, let url = URL(string: forwarder.upstream), let host = url.host {
                outcome = await ConnectionOutcome.probed(host: host, port: url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80))
            }
            logger.warning(
                "the upstream gave no answer; the client's connection ends the same way",
                metadata: ["path": "\(request.uri.path)", "outcome": "\(outcome.rawValue)", "error": "\(error)"])
            record(
                UpstreamForwarder.exchange(
                    method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "", headers: request.headers,
                    body: Array(body.readableBytesView), response: nil, outcome: outcome, started: started))
            // The client has waited as long as the upstream made it: a timeout closes at once now.
            await outcome.faultKind(waited: 0)?.cut(context.channel)
            // Seen only without a connection to cut (an in-process request).
            let text = "fakepbx record: the upstream \(forwarder.upstream) gave no answer (\(outcome.rawValue)): \(error)\n"
            return Response(status: .badGateway, headers: [.contentType: "text/plain"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        let method = request.method.rawValue
        let uri = request.uri
        let headers = request.headers
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: answer.fields,
            body: ResponseBody { writer in
                func recorded(_ chunks: [ByteBuffer], outcome: ConnectionOutcome?) {
                    var bytes: [UInt8] = []
                    bytes.reserveCapacity(chunks.reduce(0) { $0 + $1.readableBytes })
                    for chunk in chunks { bytes.append(contentsOf: chunk.readableBytesView) }
                    record(
                        UpstreamForwarder.exchange(
                            method: method, path: uri.path, query: uri.query ?? "", headers: headers, body: Array(body.readableBytesView),
                            response: ExchangeResponse(status: answer.status, headers: answer.headers, bytes: bytes), outcome: outcome,
                            started: started))
                }
                let chunks: [ByteBuffer]?
                do {
                    chunks = try await relay(answer.body, to: &writer, path: uri.path)
                } catch let broken as BrokenAnswer {
                    // Passed on broken, as it came (the client's connection closes), and recorded so.
                    recorded(broken.chunks, outcome: .brokeOff)
                    throw broken.error
                }
                try await writer.finish(nil)
                // After the answer's last byte, before this connection's next request is read.
                if let chunks { recorded(chunks, outcome: nil) }
            }
        )
    }

    /// An answer that broke off: what arrived of it (up to `recordedLimit`) and why.
    struct BrokenAnswer: Error {
        var chunks: [ByteBuffer]
        var error: any Error
    }

    /// Passes the upstream's body to the client chunk by chunk as it arrives, and returns the chunks
    /// to record (nil when they are over `recordedLimit`).
    /// - Throws: ``BrokenAnswer`` when the upstream's answer breaks off.
    private func relay(_ body: HTTPClientResponse.Body, to writer: inout any ResponseBodyWriter, path: String) async throws -> [ByteBuffer]? {
        var chunks: [ByteBuffer] = []
        var size = 0
        var upstream = body.makeAsyncIterator()
        while true {
            let next: ByteBuffer?
            do {
                next = try await upstream.next()
            } catch {
                // The upstream broke off; a client that went away (a failed write below) is no outcome of the upstream's.
                logger.warning(
                    "\(size <= Self.recordedLimit ? "the upstream's answer broke off; passed on as it came and recorded as broke-off" : "the upstream's answer broke off; passed on as it came")",
                    metadata: ["path": "\(path)", "bytes": "\(size)", "error": "\(error)"])
                guard size <= Self.recordedLimit else { throw error }
                throw BrokenAnswer(chunks: chunks, error: error)
            }
            guard let chunk = next else { break }
            try await writer.write(chunk)
            size += chunk.readableBytes
            if size <= Self.recordedLimit { chunks.append(chunk) } else { chunks = [] }
        }
        guard size <= Self.recordedLimit else {
            logger.warning("an answer over 512 MB passed through and was not recorded", metadata: ["path": "\(path)", "bytes": "\(size)"])
            return nil
        }
        return chunks
    }

    private func record(_ exchange: Exchange) {
        do {
            let count = try recorder.append(redactor.redact(exchange))
            onRecorded(count, exchange)
        } catch {
            logger.error("cannot write the cassette", metadata: ["file": "\(recorder.path)", "error": "\(error)"])
        }
    }

    /// The body's fields: urlencoded, multipart, or a flat JSON object; none for other bodies.
    static func formFields(_ body: [UInt8], contentType: String?) -> [String: String] {
        guard !body.isEmpty else { return [:] }
        let type = contentType?.lowercased() ?? "application/x-www-form-urlencoded"
        if type.hasPrefix("application/json") {
            guard case .object(let object)? = try? JSONParser.parse(body) else { return [:] }
            var fields: [String: String] = [:]
            for member in object {
                switch member.value {
                case .string(let text): fields[member.key] = text
                case .number(let number): fields[member.key] = number.literal
                case .bool(let flag): fields[member.key] = flag ? "true" : "false"
                default: fields[member.key] = member.value.serialized()
                }
            }
            return fields
        }
        // urlencoded in any charset, or multipart (PHP's curl with an array of fields), read as the server reads it.
        return (try? RequestForm.fields(RequestForm.bodyPairs(body, contentType: type))) ?? [:]
    }
}

/// Builds the recording proxy of `fakepbx record`.
/// - Parameters:
///   - onListening: called with where the proxy listens.
///   - onRecorded: called after each exchange is written, with the cassette's count.
/// - Throws: `ContractError` when the cassette exists but is not one, or the upstream is not a URL.
public func buildRecordingProxy(
    configuration: RecordingConfiguration,
    logger: Logger,
    onListening: @escaping @Sendable (ListeningInfo) async -> Void = { _ in },
    onRecorded: @escaping @Sendable (Int, Exchange) -> Void = { _, _ in }
) throws -> some ApplicationProtocol {
    let upstream = configuration.upstream.hasSuffix("/") ? String(configuration.upstream.dropLast()) : configuration.upstream
    guard let url = URL(string: upstream), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
        throw ContractError(.invalidArgument, "'\(configuration.upstream)' is not an http:// or https:// URL", at: "--upstream")
    }
    let recorder = try CassetteRecorder(
        path: configuration.output, name: URL(fileURLWithPath: configuration.output).deletingPathExtension().lastPathComponent,
        source: "recorded from \(upstream)"
    )
    let client = try UpstreamForwarder.makeClient(configuration.trust)
    let responder = RecordingResponder(
        forwarder: UpstreamForwarder(upstream: upstream, client: client, timeout: .milliseconds(Int64(configuration.upstreamTimeout * 1000))),
        recorder: recorder,
        redactor: Redactor(pseudonymize: configuration.pseudonymize, keep: Set(configuration.keep)), logger: logger, onRecorded: onRecorded
    )
    let host = configuration.host
    let portFile = configuration.portFile
    return Application(
        responder: responder,
        configuration: ApplicationConfiguration(address: .hostname(host, port: configuration.port), serverName: nil),
        services: [HTTPClientService(client: client)],
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            if let portFile { try? AtomicFile.write(Array("\(port)\n".utf8), to: portFile) }
            await onListening(ListeningInfo(host: host, port: port))
        },
        logger: logger
    )
}

/// Shuts the proxy's HTTP client down with the application.
struct HTTPClientService: Service {
    let client: HTTPClient
    func run() async throws {
        try? await gracefulShutdown()
        try? await client.shutdown()
    }
}

/// Builds and runs the recording proxy until SIGINT or SIGTERM: what `fakepbx record` does.
/// - Throws: `ContractError` before listening for a bad cassette or upstream; the server's error when
///   it cannot listen.
public func record(
    configuration: RecordingConfiguration,
    logger: Logger,
    onListening: @escaping @Sendable (ListeningInfo) async -> Void,
    onRecorded: @escaping @Sendable (Int, Exchange) -> Void
) async throws {
    let application = try buildRecordingProxy(configuration: configuration, logger: logger, onListening: onListening, onRecorded: onRecorded)
    try await runUntilSignalled(application, logger: logger)
}

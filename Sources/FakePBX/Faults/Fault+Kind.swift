import JSONSchema

extension Fault {
    /// What the client sees.
    public enum Kind: Sendable, Hashable {
        /// The answer is delayed by `milliseconds`, plus up to `jitter` more.
        case latency(milliseconds: Int, jitter: Int)
        /// Any status, with the error envelope, or a raw body when given.
        case status(Int, body: String?)
        /// The JSON body is cut short and garbled.
        case malformedJSON
        /// The body stops after `bytes` while Content-Length announces all of it.
        case truncate(bytes: Int)
        /// The connection is closed before any byte of the answer.
        case emptyReply
        /// The connection is reset (RST), not closed.
        case reset
        /// No answer for `seconds` (at most 60), then the connection is closed.
        case hang(seconds: Double)
        /// The answer is sent `bytesPerSecond` at a time.
        case slowDrip(bytesPerSecond: Int)
        /// FusionPBX's HTML login page instead of JSON (what a non-whitelisted caller sees on some installs).
        case loginPage
        /// A 302 to the login page instead of JSON.
        case loginRedirect
        /// The body as usual under another Content-Type.
        case contentType(String)
        /// The status and versions answers report another FusionPBX version.
        case version(String)
        /// The TLS handshake of an HTTPS connection goes wrong (before any request).
        case handshake(Handshake)

        /// Latency delays whatever else is done to the answer.
        var isLatency: Bool { if case .latency = self { true } else { false } }

        /// How an answer is sent (cut short, dripped) rather than what it says.
        var isDelivery: Bool {
            switch self {
            case .truncate, .slowDrip: true
            default: false
            }
        }

        /// Whether the client gets no answer at all (reset, empty reply, hang).
        var cutsConnection: Bool {
            switch self {
            case .reset, .emptyReply, .hang: true
            default: false
            }
        }

        /// Whether it acts on a connection's TLS handshake rather than on a request.
        var isHandshake: Bool { if case .handshake = self { true } else { false } }
    }

    /// What a TLS handshake fault does when the client's ClientHello arrives.
    public enum Handshake: Sendable, Hashable {
        /// The connection is reset (RST) instead of a ServerHello.
        case reset
        /// The connection is closed (FIN) instead of a ServerHello.
        case close
        /// Nothing for `seconds` (at most 60), then the connection is closed.
        case hang(seconds: Double)
        /// Bytes that are not TLS, then the connection is closed.
        case garbage
    }
}

/// Each fault kind's name, parameters and description in one place: adding a kind adds a case to
/// ``Fault/Kind`` and to ``Fault/Kind/Name``, and the compiler asks for the rest here and in
/// `PBXResponder.finish` (what it does to an answer) or `HandshakeGuard` (to a handshake).
extension Fault.Kind {
    /// A kind's name, as scenarios and the control API write its `type`.
    enum Name: String, CaseIterable {
        case latency, status
        case malformedJSON = "malformed-json"
        case truncate
        case emptyReply = "empty-reply"
        case reset, hang
        case slowDrip = "slow-drip"
        case loginPage = "login-page"
        case loginRedirect = "login-redirect"
        case contentType = "content-type"
        case version
        case tlsReset = "tls-reset"
        case tlsClose = "tls-close"
        case tlsHang = "tls-hang"
        case tlsGarbage = "tls-garbage"
    }

    /// Every parameter key some kind reads.
    static let parameterKeys = ["status", "body", "ms", "jitter", "bytes", "seconds", "rate", "content_type", "version"]

    /// The kind `name` with the parameters `reader` gives, each checked where it is written.
    init(_ name: Name, parameters reader: SpecReader) throws(SpecError) {
        func boundedHang() throws(SpecError) -> Double {
            let seconds = try reader.member("seconds")?.double() ?? 60
            guard seconds > 0, seconds <= 60 else { throw reader.error("expected seconds from 0 to 60 (a hang is bounded)", at: "seconds") }
            return seconds
        }
        switch name {
        case .latency:
            self = .latency(
                milliseconds: try reader.required("ms").int(in: 0...600_000), jitter: try reader.member("jitter")?.int(in: 0...600_000) ?? 0)
        case .status:
            let code = try reader.required("status").int(in: 100...599)
            // An interim answer is followed by the real one; it cannot stand for it.
            guard code >= 200 else {
                throw reader.error("expected a final status from 200 to 599 (a 1xx status is interim and cannot answer a request)", at: "status")
            }
            self = .status(code, body: try reader.member("body")?.string())
        case .malformedJSON: self = .malformedJSON
        case .truncate: self = .truncate(bytes: try reader.required("bytes").int(in: 0...Int.max))
        case .emptyReply: self = .emptyReply
        case .reset: self = .reset
        case .hang: self = .hang(seconds: try boundedHang())
        case .slowDrip: self = .slowDrip(bytesPerSecond: try reader.required("rate").int(in: 1...100_000_000))
        case .loginPage: self = .loginPage
        case .loginRedirect: self = .loginRedirect
        case .contentType: self = .contentType(try reader.required("content_type").string())
        case .version: self = .version(try reader.required("version").string())
        case .tlsReset: self = .handshake(.reset)
        case .tlsClose: self = .handshake(.close)
        case .tlsHang: self = .handshake(.hang(seconds: try boundedHang()))
        case .tlsGarbage: self = .handshake(.garbage)
        }
    }

    /// The kind's name and parameters, as the control API lists a fault.
    var description: JSONObject {
        var object: JSONObject = ["type": .string(name.rawValue)]
        switch self {
        case .latency(let ms, let jitter):
            object["ms"] = .int(ms)
            object["jitter"] = .int(jitter)
        case .status(let code, let body):
            object["status"] = .int(code)
            if let body { object["body"] = .string(body) }
        case .truncate(let bytes): object["bytes"] = .int(bytes)
        case .hang(let seconds), .handshake(.hang(let seconds)): object["seconds"] = .double(seconds)
        case .slowDrip(let rate): object["rate"] = .int(rate)
        case .contentType(let type): object["content_type"] = .string(type)
        case .version(let version): object["version"] = .string(version)
        case .malformedJSON, .emptyReply, .reset, .loginPage, .loginRedirect, .handshake(.reset), .handshake(.close), .handshake(.garbage): break
        }
        return object
    }

    var name: Name {
        switch self {
        case .latency: .latency
        case .status: .status
        case .malformedJSON: .malformedJSON
        case .truncate: .truncate
        case .emptyReply: .emptyReply
        case .reset: .reset
        case .hang: .hang
        case .slowDrip: .slowDrip
        case .loginPage: .loginPage
        case .loginRedirect: .loginRedirect
        case .contentType: .contentType
        case .version: .version
        case .handshake(.reset): .tlsReset
        case .handshake(.close): .tlsClose
        case .handshake(.hang): .tlsHang
        case .handshake(.garbage): .tlsGarbage
        }
    }
}

extension Fault.Kind.Name {
    /// One parameter a kind reads, as the dashboard's form asks for it.
    struct Parameter: Sendable {
        var key: String
        var required: Bool
        /// A number, or text.
        var number: Bool
        var hint: String
    }

    /// The parameters this kind reads (``Fault/Kind/init(_:parameters:)`` reads the same keys).
    var parameters: [Parameter] {
        switch self {
        case .latency:
            [.init(key: "ms", required: true, number: true, hint: "ms"), .init(key: "jitter", required: false, number: true, hint: "jitter ms")]
        case .status:
            [
                .init(key: "status", required: true, number: true, hint: "status"),
                .init(key: "body", required: false, number: false, hint: "raw body"),
            ]
        case .truncate: [.init(key: "bytes", required: true, number: true, hint: "bytes sent")]
        case .hang, .tlsHang: [.init(key: "seconds", required: false, number: true, hint: "seconds ≤ 60")]
        case .slowDrip: [.init(key: "rate", required: true, number: true, hint: "bytes/s")]
        case .contentType: [.init(key: "content_type", required: true, number: false, hint: "content type")]
        case .version: [.init(key: "version", required: true, number: false, hint: "version")]
        case .malformedJSON, .emptyReply, .reset, .loginPage, .loginRedirect, .tlsReset, .tlsClose, .tlsGarbage: []
        }
    }

    /// Every kind with its parameters, as the dashboard's form reads them.
    static var formTable: JSONValue {
        var table = JSONObject()
        for name in allCases {
            table[name.rawValue] = .array(
                name.parameters.map {
                    ["key": .string($0.key), "required": .bool($0.required), "number": .bool($0.number), "hint": .string($0.hint)]
                })
        }
        return .object(table)
    }
}

import JSONSchema

/// One request and its answer, as a client and server exchanged them.
public struct Exchange: Sendable, Hashable {
    /// A name for reports (`chkcon granted`, or `#3` when none is given).
    public var name: String
    /// Where the exchange comes from (a document, a recording), for a reader.
    public var note: String?
    public var request: ExchangeRequest
    /// The answer; `nil` when none came (``outcome`` says why), or what arrived of one that broke off.
    public var response: ExchangeResponse?
    /// How the connection ended when no whole answer came; `nil` for an answered exchange.
    public var outcome: ConnectionOutcome?
    public var timing: Timing?

    /// When the exchange started and how long it took.
    public struct Timing: Sendable, Hashable {
        /// ISO 8601 UTC.
        public var startedAt: String
        public var durationMilliseconds: Double

        public init(startedAt: String, durationMilliseconds: Double) {
            self.startedAt = startedAt
            self.durationMilliseconds = durationMilliseconds
        }
    }

    /// Header values by lower-case name, as exchanges keep them; a repeated header's values are
    /// joined with ", " (RFC 9110's list form).
    public static func headerMap(_ fields: some Sequence<(String, String)>) -> [String: String] {
        var map: [String: String] = [:]
        for (name, value) in fields {
            let key = name.lowercased()
            map[key] = map[key].map { "\($0), \(value)" } ?? value
        }
        return map
    }

    public init(
        name: String, note: String? = nil, request: ExchangeRequest, response: ExchangeResponse?, outcome: ConnectionOutcome? = nil,
        timing: Timing? = nil
    ) {
        self.name = name
        self.note = note
        self.request = request
        self.response = response
        self.outcome = outcome
        self.timing = timing
    }
}

/// A request as the server received it.
public struct ExchangeRequest: Sendable, Hashable {
    public var method: String
    /// The path without the query string.
    public var path: String
    /// The raw query string, without `?`; empty when none.
    public var query: String
    /// Header values by lower-case name; repeated headers joined with ", ".
    public var headers: [String: String]
    /// The body's form fields (urlencoded or a flat JSON object), as the script reads them.
    public var form: [String: String]
    /// Why PHP read fewer fields than the client sent (a body it does not read, `max_input_vars`):
    /// each is a violation of the request's contract.
    public var readingNotes: [RequestForm.Note]

    public init(
        method: String, path: String, query: String = "", headers: [String: String] = [:], form: [String: String] = [:],
        readingNotes: [RequestForm.Note] = []
    ) {
        self.readingNotes = readingNotes
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.headers = Exchange.headerMap(headers.map { ($0.key, $0.value) })
        self.form = form
    }

    /// The parameters the script sees: the query string's, overridden by the body's.
    public var parameters: [String: String] {
        var fields = FormEncoding.decode(query)
        for (name, value) in form { fields[name] = value }
        return fields
    }

    /// Whether the request carried a body.
    public var hasBody: Bool { !form.isEmpty }
}

/// An answer as the client received it.
public struct ExchangeResponse: Sendable, Hashable {
    /// The body: parsed JSON when it is JSON, otherwise text.
    public enum Body: Sendable, Hashable {
        case empty
        case json(JSONValue)
        case text(String)
    }

    public var status: Int
    /// Header values by lower-case name.
    public var headers: [String: String]
    public var body: Body
    /// When `body` is only the start of the answer (the journal keeps 16 KiB of each): the size the
    /// body had when sent, or -1 when that is not known (a streamed answer). Not kept in cassettes.
    public var cutFrom: Int? = nil

    public init(status: Int, headers: [String: String] = [:], body: Body = .empty) {
        self.status = status
        self.headers = Exchange.headerMap(headers.map { ($0.key, $0.value) })
        self.body = body
    }

    /// Builds the body from raw bytes: JSON when they parse as JSON, text otherwise.
    public init(status: Int, headers: [String: String], bytes: [UInt8]) {
        let body: Body
        if bytes.isEmpty {
            body = .empty
        } else if let json = try? JSONParser.parse(bytes) {
            body = .json(json)
        } else {
            body = .text(String(decoding: bytes, as: UTF8.self))
        }
        self.init(status: status, headers: headers, body: body)
    }

    /// The media type of `Content-Type`, lower case, without parameters.
    public var mediaType: String? {
        headers["content-type"].map { String($0.prefix { $0 != ";" }).trimmingSpaces().lowercased() }
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

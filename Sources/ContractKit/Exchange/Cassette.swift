import Foundation
import JSONSchema

/// Recorded exchanges in one JSON file (`fakepbx-cassette/1`): written with a stable key order so a
/// cassette reads well in a diff, and read back with every problem located by JSON pointer.
///
/// ```json
/// {"format": "fakepbx-cassette/1", "name": "…", "description": "…", "source": "…",
///  "exchanges": [{"name": "…", "note": "…",
///    "request": {"method": "POST", "path": "/app/…", "query": "", "headers": {…}, "form": {…}},
///    "response": {"status": 200, "headers": {…}, "body": {…}},   // or "text": "…" for a non-JSON body
///    "outcome": "reset",   // instead of "response" when no answer came (ConnectionOutcome)
///    "timing": {"startedAt": "2026-11-23T12:00:00Z", "durationMs": 3.2}}]}
/// ```
public struct Cassette: Sendable, Hashable {
    public static let format = "fakepbx-cassette/1"

    public var name: String
    public var description: String
    /// Where the exchanges come from: a server and date, or a document.
    public var source: String
    public var exchanges: [Exchange]

    public init(name: String, description: String = "", source: String = "", exchanges: [Exchange] = []) {
        self.name = name
        self.description = description
        self.source = source
        self.exchanges = exchanges
    }

    /// Reads a cassette file.
    /// - Throws: ``ContractError`` with the file and the JSON pointer (or line and column) of the problem.
    public static func load(contentsOf path: String) throws(ContractError) -> Cassette {
        try Cassette(try document(at: path, what: "cassette"), file: path)
    }

    /// Reads a HAR file (``init(har:file:)``).
    public static func load(har path: String) throws(ContractError) -> Cassette {
        try Cassette(har: try document(at: path, what: "HAR file"), file: path)
    }

    private static func document(at path: String, what: String) throws(ContractError) -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ContractError(.fileAccess, "cannot read the \(what) (check the path and permissions)", at: path)
        }
        do {
            return try JSONParser.parse(Array(data))
        } catch {
            throw ContractError(.invalidCassette, "not valid JSON: \(error)", at: "\(path):\(error.line):\(error.column)")
        }
    }

    /// Decodes a parsed cassette; `file` names it in errors.
    public init(_ document: JSONValue, file: String) throws(ContractError) {
        let root = JSONReader(document, file: file, code: .invalidCassette)
        try root.rejectUnknown(["format", "name", "description", "source", "exchanges"])
        let format = try root.required("format").string()
        guard format == Cassette.format else {
            throw root.error("format '\(format)' is not a cassette format this fakepbx reads; expected '\(Cassette.format)'", at: "format")
        }
        name = try root.member("name")?.string() ?? ""
        description = try root.member("description")?.string() ?? ""
        source = try root.member("source")?.string() ?? ""
        exchanges = []
        for (index, item) in try root.required("exchanges").array().enumerated() {
            exchanges.append(try Cassette.exchange(item, index: index))
        }
    }

    private static func exchange(_ reader: JSONReader, index: Int) throws(ContractError) -> Exchange {
        try reader.rejectUnknown(["name", "note", "request", "response", "outcome", "timing"])
        let request = try reader.required("request")
        try request.rejectUnknown(["method", "path", "query", "headers", "form"])
        let path = try request.required("path").string()
        guard path.hasPrefix("/") else { throw request.error("the path must start with '/'", at: "path") }
        var response: ExchangeResponse?
        if let answer = try reader.member("response") {
            try answer.rejectUnknown(["status", "headers", "body", "text"])
            let status = try answer.required("status").int()
            guard (100...599).contains(status) else { throw answer.error("\(status) is not an HTTP status", at: "status") }
            var body = ExchangeResponse.Body.empty
            if let json = try answer.object()["body"] {
                body = .json(json)
            } else if let text = try answer.member("text") {
                body = .text(try text.string())
            }
            response = ExchangeResponse(status: status, headers: try answer.member("headers")?.stringMap() ?? [:], body: body)
        }
        var outcome: ConnectionOutcome?
        if let member = try reader.member("outcome") {
            let text = try member.string()
            guard let value = ConnectionOutcome(rawValue: text) else {
                let names = ConnectionOutcome.allCases.map(\.rawValue).joined(separator: ", ")
                throw member.error("'\(text)' is not an outcome; expected one of \(names)")
            }
            guard response == nil || value == .brokeOff else {
                throw member.error("an exchange with a response ended with it; only 'broke-off' goes with a response (what arrived of it)")
            }
            outcome = value
        }
        var timing: Exchange.Timing?
        if let t = try reader.member("timing") {
            try t.rejectUnknown(["startedAt", "durationMs"])
            let duration = try t.required("durationMs")
            guard case .number(let ms) = duration.value else { throw duration.error("expected a number of milliseconds") }
            timing = Exchange.Timing(startedAt: try t.required("startedAt").string(), durationMilliseconds: ms.doubleValue)
        }
        return Exchange(
            name: try reader.member("name")?.string() ?? "#\(index + 1)",
            note: try reader.member("note")?.string(),
            request: ExchangeRequest(
                method: try request.required("method").string(), path: path,
                query: try request.member("query")?.string() ?? "",
                headers: try request.member("headers")?.stringMap() ?? [:],
                form: try request.member("form")?.stringMap() ?? [:]
            ),
            response: response,
            outcome: outcome,
            timing: timing
        )
    }

    /// The cassette as JSON, members in a fixed order and header/form names sorted.
    public var json: JSONValue {
        var root: JSONObject = ["format": .string(Cassette.format), "name": .string(name)]
        if !description.isEmpty { root["description"] = .string(description) }
        if !source.isEmpty { root["source"] = .string(source) }
        root["exchanges"] = .array(exchanges.map(Cassette.json))
        return .object(root)
    }

    /// One exchange as the cassette writes it.
    public static func json(_ exchange: Exchange) -> JSONValue {
        var object: JSONObject = ["name": .string(exchange.name)]
        if let note = exchange.note { object["note"] = .string(note) }
        var request: JSONObject = ["method": .string(exchange.request.method), "path": .string(exchange.request.path)]
        if !exchange.request.query.isEmpty { request["query"] = .string(exchange.request.query) }
        if !exchange.request.headers.isEmpty { request["headers"] = sorted(exchange.request.headers) }
        if !exchange.request.form.isEmpty { request["form"] = sorted(exchange.request.form) }
        object["request"] = .object(request)
        if let response = exchange.response {
            var answer: JSONObject = ["status": .int(response.status)]
            if !response.headers.isEmpty { answer["headers"] = sorted(response.headers) }
            switch response.body {
            case .empty: break
            case .json(let value): answer["body"] = value
            case .text(let text): answer["text"] = .string(text)
            }
            object["response"] = .object(answer)
        }
        if let outcome = exchange.outcome { object["outcome"] = .string(outcome.rawValue) }
        if let timing = exchange.timing {
            let rounded = (timing.durationMilliseconds * 1000).rounded() / 1000
            object["timing"] = ["startedAt": .string(timing.startedAt), "durationMs": .double(rounded)]
        }
        return .object(object)
    }

    private static func sorted(_ map: [String: String]) -> JSONValue {
        var object = JSONObject()
        for key in map.keys.sorted() { object[key] = .string(map[key]!) }
        return .object(object)
    }

    /// Writes the cassette atomically (a temporary file renamed over the old one), pretty-printed.
    public func write(to path: String) throws(ContractError) {
        do {
            try json.writeFile(to: path)
        } catch {
            throw ContractError(.fileAccess, "cannot write the cassette: \(error.localizedDescription)", at: path)
        }
    }
}

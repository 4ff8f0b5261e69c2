public import ContractKit
import Foundation
import HTTPTypes
import JSONSchema
import Synchronization

/// What `serve --replay` does when no recorded exchange matches a request.
public enum ReplayMissPolicy: Sendable, Hashable {
    /// The emulator answers (the default).
    case emulate
    /// 404 with the nearest recorded candidates and how they differ.
    case error
    /// The request goes to a real server; its answer is recorded to `recordTo` when given.
    case proxy(upstream: String, recordTo: String?)
}

/// How recordings and the server's own policies share the answers.
public enum ReplayMode: String, Sendable, Hashable, CaseIterable {
    /// What was recorded, as it was recorded: refusals (401, 403, 429), connection outcomes (resets,
    /// timeouts) and all. A request a recording answers is not counted by the server's rate limits or
    /// jails (the recording holds their effect); the whitelist and credentials are still checked.
    case answers
    /// The server's own policies decide access, limits and bans first; the recordings give the data.
    /// Recorded refusals (401, 403, 429, an answer with `Retry-After`) and connection outcomes are
    /// left out, so a client that behaves differently is judged by the policies, not the recording.
    case policies
}

/// Recorded exchanges to answer from, matched on method, path and form fields (credentials and
/// volatile fields ignored). A field redacted in the cassette (`REDACTED-…`) matches any value, since
/// the client sends the real one. Repeated identical requests are answered in recorded order, then
/// the last answer repeats.
public final class ReplayStore: Sendable {
    /// One recorded exchange and where it came from.
    public struct Entry: Sendable {
        public var cassette: String
        public var index: Int
        public var exchange: Exchange
        public var label: String { "\(cassette)#\(index + 1)" }
    }

    /// A recorded exchange chosen for a request, and the fields that matched only because the
    /// cassette holds them redacted.
    struct Match: Sendable {
        var entry: Entry
        var matchedByRedaction: [String]
    }

    struct Key: Hashable {
        var method: String
        var path: String
        var fields: [String: String]
    }

    /// What stands for a redacted value in a key: no request field can hold it.
    private static let anyValue = "\u{0}redacted"

    public let cassettes: [(path: String, cassette: Cassette)]
    public let volatile: Set<String>
    public let missPolicy: ReplayMissPolicy
    public let mode: ReplayMode
    /// Recorded refusals and connection outcomes left out in `policies` mode.
    public let leftOut: Int
    private let queues: [Key: [Entry]]
    /// The distinct sets of redacted field names among the recordings, fewest first.
    private let redactedSets: [Set<String>]
    private let entries: [Entry]
    private let positions = Mutex<[Key: Int]>([:])
    private let tally = Mutex<(served: Int, missed: Int)>((0, 0))

    public init(
        cassettes: [(path: String, cassette: Cassette)], volatile: Set<String> = [], missPolicy: ReplayMissPolicy = .emulate,
        mode: ReplayMode = .policies
    ) {
        self.cassettes = cassettes
        self.volatile = volatile
        self.missPolicy = missPolicy
        self.mode = mode
        var queues: [Key: [Entry]] = [:]
        var entries: [Entry] = []
        var redactedSets: Set<Set<String>> = [[]]
        var leftOut = 0
        for (path, cassette) in cassettes {
            let name = cassette.name.isEmpty ? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent : cassette.name
            for (index, exchange) in cassette.exchanges.enumerated() where exchange.response != nil || exchange.outcome != nil {
                if mode == .policies, ReplayStore.isRefusal(exchange) {
                    leftOut += 1
                    continue
                }
                let entry = Entry(cassette: name, index: index, exchange: exchange)
                entries.append(entry)
                var key = ReplayStore.key(exchange.request.method, exchange.request.path, exchange.request.parameters, volatile: volatile)
                let redacted = ReplayStore.redactedNames(key.fields)
                for name in redacted { key.fields[name] = ReplayStore.anyValue }
                redactedSets.insert(redacted)
                queues[key, default: []].append(entry)
            }
        }
        self.queues = queues
        self.leftOut = leftOut
        self.entries = entries
        self.redactedSets = redactedSets.sorted { $0.count < $1.count }
    }

    /// What the server's policies, not its data, decided: a refusal by whitelist, credentials or
    /// rate limit, an answer telling the client to come back later, or a connection that ended
    /// without an answer (a ban's reset among them).
    static func isRefusal(_ exchange: Exchange) -> Bool {
        guard let response = exchange.response, exchange.outcome == nil else { return true }
        return [401, 403, 429].contains(response.status) || response.headers["retry-after"] != nil
    }

    static func key(_ method: String, _ path: String, _ fields: [String: String], volatile: Set<String>) -> Key {
        let kept = fields.filter { !PresentedCredentials.fieldNames.contains($0.key) && !volatile.contains($0.key) }
        return Key(method: method.uppercased() == "HEAD" ? "GET" : method.uppercased(), path: path, fields: kept)
    }

    /// The fields of a recorded request that match any value (redacted when recorded), sorted.
    func matchingAnyValue(_ entry: Entry) -> [String] {
        let request = entry.exchange.request
        return ReplayStore.redactedNames(ReplayStore.key(request.method, request.path, request.parameters, volatile: volatile).fields).sorted()
    }

    private static func redactedNames(_ fields: [String: String]) -> Set<String> {
        Set(fields.filter { $0.value.hasPrefix(Redactor.placeholderPrefix) }.keys)
    }

    /// The recorded exchange that answers this request, if any: an exact match first, then one whose
    /// differing fields were all redacted when recorded.
    func answer(method: String, path: String, fields: [String: String]) -> Match? {
        let exact = ReplayStore.key(method, path, fields, volatile: volatile)
        for redacted in redactedSets where redacted.isSubset(of: exact.fields.keys) {
            var key = exact
            for name in redacted { key.fields[name] = ReplayStore.anyValue }
            guard let queue = queues[key] else { continue }
            let position = positions.withLock { positions in
                let position = positions[key] ?? 0
                positions[key] = position + 1
                return min(position, queue.count - 1)
            }
            tally.withLock { $0.served += 1 }
            return Match(entry: queue[position], matchedByRedaction: redacted.sorted())
        }
        tally.withLock { $0.missed += 1 }
        return nil
    }

    /// The recorded exchanges closest to a request that matched none, with how each differs (a
    /// redacted recorded field differs only when the request leaves it out).
    func nearest(method: String, path: String, fields: [String: String], limit: Int = 3) -> [(Entry, [String])] {
        let key = ReplayStore.key(method, path, fields, volatile: volatile)
        let scored = entries.map { entry -> (Entry, [String]) in
            let recorded = ReplayStore.key(
                entry.exchange.request.method, entry.exchange.request.path, entry.exchange.request.parameters, volatile: volatile)
            var differences: [String] = []
            if recorded.method != key.method { differences.append("method: recorded \(recorded.method), requested \(key.method)") }
            if recorded.path != key.path { differences.append("path: recorded \(recorded.path), requested \(key.path)") }
            for name in Set(recorded.fields.keys).union(key.fields.keys).sorted() where recorded.fields[name] != key.fields[name] {
                if recorded.fields[name]?.hasPrefix(Redactor.placeholderPrefix) == true, key.fields[name] != nil { continue }
                let was = recorded.fields[name].map { "'\($0)'" } ?? "absent"
                let now = key.fields[name].map { "'\($0)'" } ?? "absent"
                differences.append("\(name): recorded \(was), requested \(now)")
            }
            return (entry, differences)
        }
        return Array(scored.sorted { $0.1.count < $1.1.count }.prefix(limit))
    }

    public var counts: (served: Int, missed: Int) { tally.withLock { $0 } }

    /// Starts every queue from its first recorded answer again.
    public func rewind() { positions.withLock { $0 = [:] } }
}

extension ReplayStore.Entry {
    /// The recorded answer, headers of the connection left out.
    var answer: Answer {
        let waited = (exchange.timing?.durationMilliseconds ?? 0) / 1000
        guard let response = exchange.response else {
            var answer = Answer(status: .ok, headers: [:], body: [])
            answer.outcome = (exchange.outcome ?? .closed, waited)
            return answer
        }
        var headers = HTTPFields()
        for (name, value) in response.headers.sorted(by: { $0.key < $1.key })
        where !["content-length", "date", "connection", "transfer-encoding", "keep-alive"].contains(name) {
            if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
        }
        let body: [UInt8] =
            switch response.body {
            case .empty: []
            case .json(let value): value.serializedBytes()
            case .text(let text): Array(text.utf8)
            }
        var answer = Answer(status: HTTPResponse.Status(code: response.status), headers: headers, body: body)
        answer.outcome = exchange.outcome.map { ($0, waited) }
        return answer
    }
}

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

/// Recorded exchanges to answer from, matched on method, path and form fields (credentials and
/// volatile fields ignored). Repeated identical requests are answered in recorded order, then the
/// last answer repeats.
public final class ReplayStore: Sendable {
    /// One recorded exchange and where it came from.
    public struct Entry: Sendable {
        public var cassette: String
        public var index: Int
        public var exchange: Exchange
        public var label: String { "\(cassette)#\(index + 1)" }
    }

    struct Key: Hashable {
        var method: String
        var path: String
        var fields: [String: String]
    }

    public let cassettes: [(path: String, cassette: Cassette)]
    public let volatile: Set<String>
    public let missPolicy: ReplayMissPolicy
    private let queues: [Key: [Entry]]
    private let entries: [Entry]
    private let positions = Mutex<[Key: Int]>([:])
    private let tally = Mutex<(served: Int, missed: Int)>((0, 0))

    public init(cassettes: [(path: String, cassette: Cassette)], volatile: Set<String> = [], missPolicy: ReplayMissPolicy = .emulate) {
        self.cassettes = cassettes
        self.volatile = volatile
        self.missPolicy = missPolicy
        var queues: [Key: [Entry]] = [:]
        var entries: [Entry] = []
        for (path, cassette) in cassettes {
            let name = cassette.name.isEmpty ? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent : cassette.name
            for (index, exchange) in cassette.exchanges.enumerated() where exchange.response != nil {
                let entry = Entry(cassette: name, index: index, exchange: exchange)
                entries.append(entry)
                queues[ReplayStore.key(exchange.request.method, exchange.request.path, exchange.request.parameters, volatile: volatile), default: []].append(entry)
            }
        }
        self.queues = queues
        self.entries = entries
    }

    static func key(_ method: String, _ path: String, _ fields: [String: String], volatile: Set<String>) -> Key {
        let kept = fields.filter { !PresentedCredentials.fieldNames.contains($0.key) && !volatile.contains($0.key) }
        return Key(method: method.uppercased() == "HEAD" ? "GET" : method.uppercased(), path: path, fields: kept)
    }

    /// The recorded exchange that answers this request, if any.
    func answer(method: String, path: String, fields: [String: String]) -> Entry? {
        let key = ReplayStore.key(method, path, fields, volatile: volatile)
        guard let queue = queues[key] else {
            tally.withLock { $0.missed += 1 }
            return nil
        }
        let position = positions.withLock { positions in
            let position = positions[key] ?? 0
            positions[key] = position + 1
            return min(position, queue.count - 1)
        }
        tally.withLock { $0.served += 1 }
        return queue[position]
    }

    /// The recorded exchanges closest to a request that matched none, with how each differs.
    func nearest(method: String, path: String, fields: [String: String], limit: Int = 3) -> [(Entry, [String])] {
        let key = ReplayStore.key(method, path, fields, volatile: volatile)
        let scored = entries.map { entry -> (Entry, [String]) in
            let recorded = ReplayStore.key(entry.exchange.request.method, entry.exchange.request.path, entry.exchange.request.parameters, volatile: volatile)
            var differences: [String] = []
            if recorded.method != key.method { differences.append("method: recorded \(recorded.method), requested \(key.method)") }
            if recorded.path != key.path { differences.append("path: recorded \(recorded.path), requested \(key.path)") }
            for name in Set(recorded.fields.keys).union(key.fields.keys).sorted() where recorded.fields[name] != key.fields[name] {
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
        guard let response = exchange.response else { return Answer(status: .internalServerError, headers: [:], body: []) }
        var headers = HTTPFields()
        for (name, value) in response.headers.sorted(by: { $0.key < $1.key })
        where !["content-length", "date", "connection", "transfer-encoding", "keep-alive"].contains(name) {
            if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
        }
        let body: [UInt8] = switch response.body {
        case .empty: []
        case .json(let value): value.serializedBytes()
        case .text(let text): Array(text.utf8)
        }
        return Answer(status: HTTPResponse.Status(code: response.status), headers: headers, body: body)
    }
}

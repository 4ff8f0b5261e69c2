public import ContractKit
import Foundation
import JSONSchema

/// A fault to inject: what goes wrong, which requests it targets, and when it fires.
///
/// Written in scenarios (YAML) and posted to the control API (JSON) in the same shape:
/// ```yaml
/// - id: flaky-export
///   type: status            # see Fault.Kind
///   status: 503
///   match: {endpoint: export_cdr, method: POST, client: 10.0.0.0/8}
///   when: {every: 3}        # or nth, first, probability + seed, after + for, from + until
/// ```
public struct Fault: Sendable {
    /// Which requests a fault applies to; every given condition must hold.
    public struct Match: Sendable, Hashable {
        /// Path patterns, `*` matching any run of characters (`/app/xml_cdr/*`).
        public var paths: [String] = []
        /// Operations by name (`status`, `manage_gateway.create`), as `fakepbx contract list` shows them.
        public var operations: [OperationNames.Target] = []
        public var methods: [String] = []
        public var clients: [CIDRBlock] = []

        public init(paths: [String] = [], operations: [OperationNames.Target] = [], methods: [String] = [], clients: [CIDRBlock] = []) {
            self.paths = paths
            self.operations = operations
            self.methods = methods
            self.clients = clients
        }

        func matches(_ request: RequestTarget) -> Bool {
            let located =
                (paths.isEmpty && operations.isEmpty)
                || paths.contains { Fault.glob($0, request.path) }
                || operations.contains { $0.path == request.path && ($0.action == nil || $0.action == request.action()) }
            return located
                && (methods.isEmpty || methods.contains(request.method.uppercased()))
                && (clients.isEmpty || clients.contains { $0.contains(request.client) })
        }
    }

    /// Whether the write behind a request goes ahead when this fault fires (`commit`). By default a
    /// fault that answers with an error (a 4xx/5xx status, the login page or redirect, a reset, an
    /// empty reply, a hang) leaves the data untouched, as a request that never reached the script;
    /// `commit: true` models "written, but the answer was lost".
    public var commit = false

    /// Whether the handler must not run: an error-like fault that does not commit.
    var withholdsWrite: Bool {
        guard !commit else { return false }
        switch kind {
        case .status(let code, _): return code >= 400
        case .loginPage, .loginRedirect, .reset, .emptyReply, .hang: return true
        default: return false
        }
    }

    /// When a matching request is hit.
    public enum Trigger: Sendable, Hashable {
        case always
        /// Only the nth matching request.
        case nth(Int)
        /// The first n matching requests.
        case first(Int)
        /// Every kth matching request (k, 2k, ...).
        case every(Int)
        /// Each matching request with probability p, from a seeded generator.
        case probability(Double, seed: UInt64)
        /// Between two instants of the server's clock (epoch seconds); `until` nil means forever.
        case window(from: Double, until: Double?)
    }

    public var id: String
    public var kind: Kind
    public var match: Match
    public var trigger: Trigger

    public init(id: String, kind: Kind, match: Match = Match(), trigger: Trigger = .always) {
        self.id = id
        self.kind = kind
        self.match = match
        self.trigger = trigger
    }

    /// Whether `pattern`, with `*` for any run of characters, matches all of `text`.
    static func glob(_ pattern: String, _ text: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
        guard parts.count > 1 else { return pattern == text }
        guard text.hasPrefix(parts[0]), text.hasSuffix(parts[parts.count - 1]) else { return false }
        var rest = text.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return rest.count >= parts[parts.count - 1].count
    }

    /// Every fault type's name, as scenarios and the control API write it.
    static let types = Kind.Name.allCases.map(\.rawValue)

    /// Reads a fault document; `now` anchors relative windows (`after`, `for`) and `index` names
    /// faults without an id.
    /// `defaultSeed` seeds a `probability` that names no seed of its own (a bundle's seed).
    public init(_ document: JSONValue, pointer: String = "", now: Double, index: Int = 0, defaultSeed: UInt64 = 1) throws(SpecError) {
        let reader = SpecReader(document, pointer: pointer)
        try reader.rejectUnknown(["id", "type", "match", "when", "commit"] + Kind.parameterKeys)
        let type = try reader.required("type").string()
        guard let name = Kind.Name(rawValue: type) else {
            throw reader.error("unknown fault type '\(type)'; expected one of: \(Fault.types.joined(separator: ", "))", at: "type")
        }
        let kind = try Kind(name, parameters: reader)

        var match = Match()
        if let m = try reader.member("match") {
            try m.rejectUnknown(["endpoint", "path", "method", "client"])
            for item in try m.member("endpoint")?.list() ?? [] {
                let name = try item.string()
                if name.hasPrefix("/") {
                    match.paths.append(name)
                } else if let targets = OperationNames.targets(name) {
                    match.operations += targets
                } else {
                    throw item.error(
                        "unknown endpoint '\(name)'; use an operation name from 'fakepbx contract list' (status, export_cdr, manage_gateway.create…), a script name (manage_gateway.php) or a path"
                    )
                }
            }
            for item in try m.member("path")?.list() ?? [] { match.paths.append(try item.string()) }
            for item in try m.member("method")?.list() ?? [] { match.methods.append(try item.string().uppercased()) }
            for key in ["endpoint", "path", "method"] where kind.isHandshake {
                if try m.member(key) != nil {
                    throw m.error("a \(type) fault acts on the TLS handshake, before any request: match it by client only", at: key)
                }
            }
            for item in try m.member("client")?.list() ?? [] {
                let text = try item.string()
                guard let block = CIDRBlock(text) else { throw item.error("'\(text)' is not an IP address or CIDR block such as 10.0.0.0/8") }
                match.clients.append(block)
            }
        }

        var trigger = Trigger.always
        if let w = try reader.member("when") {
            try w.rejectUnknown(["nth", "first", "every", "probability", "seed", "after", "for", "from", "until"])
            let keys = try w.object().keys
            if let nth = try w.member("nth") {
                trigger = .nth(try nth.int(in: 1...Int.max))
            } else if let first = try w.member("first") {
                trigger = .first(try first.int(in: 1...Int.max))
            } else if let every = try w.member("every") {
                trigger = .every(try every.int(in: 1...Int.max))
            } else if let probability = try w.member("probability") {
                let p = try probability.double()
                guard (0...1).contains(p) else { throw probability.error("expected a probability from 0 to 1") }
                trigger = .probability(
                    p, seed: try w.member("seed").map { reader throws(SpecError) in UInt64(try reader.int(in: 0...Int.max)) } ?? defaultSeed)
            } else if keys.contains("after") || keys.contains("for") {
                let start = now + (try w.member("after")?.double(in: InputLimits.seconds) ?? 0)
                trigger = .window(
                    from: start, until: try w.member("for").map { reader throws(SpecError) in start + (try reader.double(in: InputLimits.seconds)) })
            } else if keys.contains("from") || keys.contains("until") {
                func instant(_ key: String) throws(SpecError) -> Double? {
                    guard let r = try w.member(key) else { return nil }
                    let text = try r.string()
                    guard let epoch = Timestamp.parseISO8601(text) else { throw r.error("'\(text)' is not a time such as 2026-11-23T12:00:00Z") }
                    return epoch
                }
                trigger = .window(from: try instant("from") ?? 0, until: try instant("until"))
            }
        }
        self.init(id: try reader.member("id")?.string() ?? "fault-\(index + 1)", kind: kind, match: match, trigger: trigger)
        if let commit = try reader.member("commit") {
            guard case .bool(let flag) = commit.value else { throw commit.error("expected true or false") }
            self.commit = flag
        }
    }
}

import ContractKit
import JSONSchema
import Synchronization

/// The faults in force, with the count of requests each has matched and its seeded generator.
public final class FaultSet: Sendable {
    private struct Entry {
        var fault: Fault
        var matched = 0
        var fired = 0
        var generator: SeededGenerator
    }

    private let entries = Mutex<[Entry]>([])
    /// How many faults are in force, readable without the lock (every request asks).
    private let count = Atomic<Int>(0)

    public init(_ faults: [Fault] = []) { for fault in faults { add(fault) } }

    /// Adds a fault, replacing one with the same id.
    public func add(_ fault: Fault) {
        let seed: UInt64 = if case .probability(_, let seed) = fault.trigger { seed } else { 0 }
        entries.withLock { entries in
            let entry = Entry(fault: fault, generator: SeededGenerator(seed: seed))
            if let index = entries.firstIndex(where: { $0.fault.id == fault.id }) { entries[index] = entry } else { entries.append(entry) }
            count.store(entries.count, ordering: .releasing)
        }
    }

    @discardableResult
    public func remove(id: String) -> Bool {
        entries.withLock { entries in
            let before = entries.count
            entries.removeAll { $0.fault.id == id }
            count.store(entries.count, ordering: .releasing)
            return entries.count != before
        }
    }

    public func removeAll() {
        entries.withLock { entries in
            entries = []
            count.store(0, ordering: .releasing)
        }
    }

    public var isEmpty: Bool { count.load(ordering: .acquiring) == 0 }

    /// The faults with how many requests each matched and how often it fired.
    public var list: [(fault: Fault, matched: Int, fired: Int)] {
        entries.withLock { $0.map { ($0.fault, $0.matched, $0.fired) } }
    }

    /// The handshake fault that fires for a new HTTPS connection from `client`, if any.
    func selectHandshake(client: IPAddress, now: Double) -> Fault? {
        select(RequestTarget(path: "", method: "", client: client), now: now, handshake: true).first
    }

    /// The faults that fire for this request: every latency, plus the first other fault that fires.
    /// With `handshake`, only the TLS handshake faults are considered, and only them otherwise.
    func select(_ request: RequestTarget, now: Double, handshake: Bool = false) -> [Fault] {
        entries.withLock { entries in
            var chosen: [Fault] = []
            for index in entries.indices
            where entries[index].fault.kind.isHandshake == handshake && entries[index].fault.match.matches(request) {
                entries[index].matched += 1
                let n = entries[index].matched
                let fires: Bool
                switch entries[index].fault.trigger {
                case .always: fires = true
                case .nth(let k): fires = n == k
                case .first(let k): fires = n <= k
                case .every(let k): fires = n % k == 0
                case .probability(let p, _):
                    fires = Double(entries[index].generator.next() >> 11) / Double(1 << 53) < p
                case .window(let from, let until): fires = now >= from && until.map { now < $0 } ?? true
                }
                guard fires else { continue }
                entries[index].fired += 1
                chosen.append(entries[index].fault)
            }
            return chosen
        }
    }
}

extension Fault {
    /// The fault as the control API lists it.
    var json: JSONValue {
        var object: JSONObject = ["id": .string(id)]
        for member in kind.description { object[member.key] = member.value }
        if commit { object["commit"] = true }
        var match = JSONObject()
        if !self.match.paths.isEmpty { match["path"] = .array(self.match.paths.map(JSONValue.string)) }
        if !self.match.operations.isEmpty {
            match["endpoint"] = .array(self.match.operations.map { .string($0.path + ($0.action.map { " action=\($0)" } ?? "")) })
        }
        if !self.match.methods.isEmpty { match["method"] = .array(self.match.methods.map(JSONValue.string)) }
        if !self.match.clients.isEmpty { match["client"] = .array(self.match.clients.map { .string($0.description) }) }
        if match.count > 0 { object["match"] = .object(match) }
        switch trigger {
        case .always: break
        case .nth(let k): object["when"] = ["nth": .int(k)]
        case .first(let k): object["when"] = ["first": .int(k)]
        case .every(let k): object["when"] = ["every": .int(k)]
        case .probability(let p, let seed): object["when"] = ["probability": .double(p), "seed": .int(Int(seed))]
        case .window(let from, let until):
            var window: JSONObject = ["from": .string(Timestamp.iso8601(Int(from)))]
            if let until { window["until"] = .string(Timestamp.iso8601(Int(until))) }
            object["when"] = .object(window)
        }
        return .object(object)
    }
}

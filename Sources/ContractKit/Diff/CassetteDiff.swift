import Foundation
import JSONSchema

/// Compares two cassettes of the same API, for example recorded on staging before and after a
/// FusionPBX upgrade: operations added or gone, response fields added, removed or retyped, booleans
/// that became strings, and status changes.
public enum CassetteDiff {
    /// One difference between the old and the new traffic of an operation.
    public struct Change: Sendable, Hashable, CustomStringConvertible {
        public enum Kind: String, Sendable, Hashable {
            case operationAdded = "operation-added"
            case operationGone = "operation-gone"
            case fieldAdded = "field-added"
            case fieldRemoved = "field-removed"
            case fieldRetyped = "field-retyped"
            case booleanBecameString = "boolean-became-string"
            case stringBecameBoolean = "string-became-boolean"
            case statusChanged = "status-changed"
            /// A CSV or XML answer changed as `upgrade check` compares them (columns, elements,
            /// quoting, line ends); `old` is the finding id.
            case textBodyChanged = "text-body-changed"
        }

        public var operation: String
        public var kind: Kind
        /// The field, with array positions as `*` (`/gateways/*/gateway_enabled`); empty for the operation.
        public var pointer: String
        public var old: String?
        public var new: String?
        /// For a text body's change: whether it breaks a client, as `upgrade check` decides.
        var textBreaks = true

        /// Whether a client written against the old traffic may break on the new.
        public var isBreaking: Bool {
            switch kind {
            case .operationAdded, .fieldAdded: false
            case .textBodyChanged: textBreaks
            default: true
            }
        }

        public var description: String {
            let field = pointer.isEmpty ? "" : " \(pointer)"
            switch kind {
            case .operationAdded: return "\(operation): new operation"
            case .operationGone: return "\(operation): no longer seen"
            case .fieldAdded: return "\(operation)\(field): new field (\(new ?? "?"))"
            case .fieldRemoved: return "\(operation)\(field): field removed (was \(old ?? "?"))"
            case .fieldRetyped: return "\(operation)\(field): type changed from \(old ?? "?") to \(new ?? "?")"
            case .booleanBecameString: return "\(operation)\(field): a boolean became a string (\(old ?? "?") → \(new ?? "?"))"
            case .stringBecameBoolean: return "\(operation)\(field): a 'true'/'false' string became a boolean (\(old ?? "?") → \(new ?? "?"))"
            case .statusChanged: return "\(operation): statuses changed from \(old ?? "?") to \(new ?? "?")"
            case .textBodyChanged: return "\(operation)\(field): \(old ?? "?")"
            }
        }
    }

    struct Profile {
        var statuses: Set<Int> = []
        /// The CSV and XML answers (2xx), in order, compared pairwise with the other side's.
        var texts: [ExchangeResponse] = []
        /// JSON types seen at each field pattern; `"true"`/`"false"` strings count as `boolean-string`.
        var types: [String: Set<String>] = [:]
    }

    /// The operation an exchange belongs to: its contract operation, or `METHOD path`.
    static func operation(_ exchange: Exchange, catalog: ContractCatalog?) -> String {
        catalog?.operation(for: exchange.request)?.id ?? "\(exchange.request.method) \(exchange.request.path)"
    }

    static func profiles(_ cassette: Cassette, catalog: ContractCatalog?) -> [String: Profile] {
        var profiles: [String: Profile] = [:]
        for exchange in cassette.exchanges {
            guard let response = exchange.response else { continue }
            let name = operation(exchange, catalog: catalog)
            // A rate limit's answer says how fast the recording went, not what the server is.
            if response.status != 429 && response.status != 503 { profiles[name, default: Profile()].statuses.insert(response.status) }
            if case .text = response.body, (200..<300).contains(response.status) { profiles[name, default: Profile()].texts.append(response) }
            if case .json(let body) = response.body, (200..<300).contains(response.status) {
                collect(body, pointer: "", into: &profiles[name, default: Profile()].types)
            }
        }
        return profiles
    }

    private static func collect(_ value: JSONValue, pointer: String, into types: inout [String: Set<String>]) {
        let type: String
        switch value {
        case .null: type = "null"
        case .bool: type = "boolean"
        case .number(let number): type = number.isInteger ? "integer" : "number"
        case .string(let text): type = text == "true" || text == "false" ? "boolean-string" : "string"
        case .array(let items):
            type = "array"
            for item in items { collect(item, pointer: pointer + "/*", into: &types) }
        case .object(let object):
            type = "object"
            for member in object { collect(member.value, pointer: pointer + "/" + JSONPointer.escape(member.key), into: &types) }
        }
        if !pointer.isEmpty { types[pointer, default: []].insert(type) }
    }

    /// Every difference between `old` and `new`, operations in name order.
    public static func compare(old: Cassette, new: Cassette, catalog: ContractCatalog? = nil) -> [Change] {
        let before = profiles(old, catalog: catalog)
        let after = profiles(new, catalog: catalog)
        var changes: [Change] = []
        for name in Set(before.keys).union(after.keys).sorted() {
            guard let was = before[name] else {
                changes.append(Change(operation: name, kind: .operationAdded, pointer: ""))
                continue
            }
            guard let now = after[name] else {
                changes.append(Change(operation: name, kind: .operationGone, pointer: ""))
                continue
            }
            if was.statuses != now.statuses {
                changes.append(
                    Change(
                        operation: name, kind: .statusChanged, pointer: "",
                        old: was.statuses.sorted().map(String.init).joined(separator: ", "),
                        new: now.statuses.sorted().map(String.init).joined(separator: ", ")
                    ))
            }
            changes += textChanges(name, was.texts, now.texts)
            // Fields compare only where both sides have successful JSON answers to compare.
            guard !was.types.isEmpty, !now.types.isEmpty else { continue }
            for field in Set(was.types.keys).union(now.types.keys).sorted() {
                let oldTypes = was.types[field]
                let newTypes = now.types[field]
                // A field whose parent disappeared is reported once, at the parent.
                if newTypes == nil, changes.contains(where: { $0.operation == name && $0.kind == .fieldRemoved && field.hasPrefix($0.pointer + "/") })
                {
                    continue
                }
                if oldTypes == nil, changes.contains(where: { $0.operation == name && $0.kind == .fieldAdded && field.hasPrefix($0.pointer + "/") }) {
                    continue
                }
                switch (oldTypes, newTypes) {
                case (nil, let added?):
                    changes.append(Change(operation: name, kind: .fieldAdded, pointer: field, new: describe(added)))
                case (let removed?, nil):
                    changes.append(Change(operation: name, kind: .fieldRemoved, pointer: field, old: describe(removed)))
                case (let a?, let b?):
                    let left = a.count > 1 ? a.subtracting(["null"]) : a
                    let right = b.count > 1 ? b.subtracting(["null"]) : b
                    guard left != right, !left.isEmpty, !right.isEmpty, left != ["null"], right != ["null"] else { continue }
                    let kind: Change.Kind =
                        if left == ["boolean"] && right == ["boolean-string"] {
                            .booleanBecameString
                        } else if left == ["boolean-string"] && right == ["boolean"] { .stringBecameBoolean } else { .fieldRetyped }
                    changes.append(Change(operation: name, kind: kind, pointer: field, old: describe(a), new: describe(b)))
                default:
                    break
                }
            }
        }
        return changes
    }

    /// The CSV and XML answers' changes, the i-th answer of each side against each other.
    private static func textChanges(_ operation: String, _ old: [ExchangeResponse], _ new: [ExchangeResponse]) -> [Change] {
        var changes: [Change] = []
        for (a, b) in zip(old, new) {
            for difference in AnswerDifference.between(a, b)
            where difference.kind.rawValue.hasPrefix("csv-") || difference.kind.rawValue.hasPrefix("xml-") {
                let (id, breaks, _) = UpgradeFinding.explain(difference)
                var change = Change(operation: operation, kind: .textBodyChanged, pointer: difference.place, old: id)
                change.textBreaks = breaks
                if !changes.contains(change) { changes.append(change) }
            }
        }
        return changes
    }

    private static func describe(_ types: Set<String>) -> String {
        types.sorted().map { $0 == "boolean-string" ? "string 'true'/'false'" : $0 }.joined(separator: " or ")
    }

    /// The differences as a report: one check per operation, failed when a change is breaking;
    /// changes that are not breaking are listed as notes.
    public static func report(old: (path: String, cassette: Cassette), new: (path: String, cassette: Cassette), catalog: ContractCatalog?)
        -> ContractReport
    {
        let changes = compare(old: old.cassette, new: new.cassette, catalog: catalog)
        var suite = ContractReport.Suite(name: "diff")
        let names = Set(profiles(old.cassette, catalog: catalog).keys).union(profiles(new.cassette, catalog: catalog).keys).sorted()
        for name in names {
            let mine = changes.filter { $0.operation == name }
            let breaking = mine.filter(\.isBreaking).map {
                ContractViolation(subject: .body, pointer: $0.pointer, rule: $0.kind.rawValue, message: $0.description, value: $0.new)
            }
            var check = ContractReport.Check(name: name, operation: name, violations: breaking)
            check.notes = mine.filter { !$0.isBreaking }.map(\.description)
            suite.checks.append(check)
        }
        return ContractReport(
            title: "contract diff", target: "\(old.path) → \(new.path)", suites: [suite], startedAt: ContractReport.timestamp(Date())
        )
    }
}

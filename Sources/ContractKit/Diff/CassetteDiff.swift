import Foundation
import JSONSchema

/// Compares two cassettes of the same API, for example recorded on staging before and after a
/// FusionPBX upgrade: operations added or gone, response fields added, removed or retyped, booleans
/// that became strings, status changes, and CSV and XML answers. Its report has one check per cause,
/// named as `upgrade check` names its findings, so one `--accept` file serves both.
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
        /// For a text body's change: the difference `upgrade check` found.
        var difference: AnswerDifference?

        /// Whether a client written against the old traffic may break on the new.
        public var isBreaking: Bool { cause.breaks }

        /// The finding this change belongs to, as `upgrade check` names it: its id, whether it breaks a
        /// client, and what happens in PHP.
        public var cause: (id: String, breaks: Bool, php: String) {
            switch kind {
            case .operationAdded:
                return ("operation-added", false, "An operation only the new traffic has; a client that does not call it is unaffected.")
            case .operationGone:
                return (
                    "operation-gone", true,
                    "The new traffic has no answer of this operation: if the client still calls it, find out what the upgraded server answers."
                )
            case .fieldAdded: return UpgradeFinding.explain(AnswerDifference(.memberAdded, pointer, new: new))
            case .fieldRemoved: return UpgradeFinding.explain(AnswerDifference(.memberRemoved, pointer, old: old))
            case .fieldRetyped, .booleanBecameString, .stringBecameBoolean:
                return UpgradeFinding.explain(AnswerDifference(.typeChanged, pointer, old: old, new: new))
            case .statusChanged: return UpgradeFinding.explain(AnswerDifference(.status, "", old: old, new: new))
            case .textBodyChanged: return UpgradeFinding.explain(difference ?? AnswerDifference(.bodyFormat, pointer))
            }
        }

        /// Where it shows: `operation pointer`, or the operation alone.
        public var place: String { pointer.isEmpty ? operation : "\(operation) \(pointer)" }

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
                    changes.append(Change(operation: name, kind: kind, pointer: field, old: describe(left), new: describe(right)))
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
                var change = Change(
                    operation: operation, kind: .textBodyChanged, pointer: difference.place, old: UpgradeFinding.explain(difference).id)
                change.difference = difference
                if !changes.contains(change) { changes.append(change) }
            }
        }
        return changes
    }

    private static func describe(_ types: Set<String>) -> String {
        types.sorted().map { $0 == "boolean-string" ? "string 'true'/'false'" : $0 }.joined(separator: " or ")
    }

    /// The differences as a report: one check per cause (a flag that became a boolean in seventeen
    /// operations is one check listing them), failed when it breaks a client and is not in
    /// `accepted`; the operations compared are a note.
    public static func report(
        old: (path: String, cassette: Cassette), new: (path: String, cassette: Cassette), catalog: ContractCatalog?,
        accepted: Set<String> = [], acceptedFile: String? = nil
    ) -> ContractReport {
        let changes = compare(old: old.cassette, new: new.cassette, catalog: catalog)
        let findings = UpgradeFinding.group(
            changes.map { change in
                let cause = change.cause
                return (UpgradeFinding(id: cause.id, breaks: cause.breaks, php: cause.php, places: []), change.place)
            })
        var suite = ContractReport.Suite(name: "diff")
        suite.checks = findings.map { $0.check(accepted: accepted, acceptedFile: acceptedFile) }
        let after = profiles(new.cassette, catalog: catalog)
        let compared = profiles(old.cassette, catalog: catalog).keys.filter { after[$0] != nil }.sorted()
        var summary = ContractReport.Check(name: "operations compared", operation: nil, outcome: .passed)
        summary.notes = [
            "\(compared.count) operation\(compared.count == 1 ? "" : "s") in both recordings compared: \(compared.joined(separator: ", "))"
        ]
        suite.checks.append(summary)
        var report = ContractReport(
            title: "contract diff", target: "\(old.path) → \(new.path)", suites: [suite], startedAt: ContractReport.timestamp(Date()))
        report.verdicts = (holds: "no change breaks a client", broken: "a client may break")
        return report
    }
}

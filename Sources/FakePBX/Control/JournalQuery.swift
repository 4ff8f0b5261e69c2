import ContractKit
import HTTPTypes
import JSONSchema

/// A filter on the journal, from a query string (`GET /__fakepbx/journal?endpoint=export_cdr&status=200`)
/// or a `verify` expectation: every given condition must hold. A bad value is a 400 naming it.
struct JournalQuery {
    static let keys = ["endpoint", "action", "method", "status", "client", "since", "fault", "event"]

    var targets: [OperationNames.Target]?
    var endpointPath: String?
    var action: String?
    var method: String?
    var status: Int?
    var client: CIDRBlock?
    var sinceSequence: Int?
    var sinceTime: Double?
    var fault: String?
    var event: String?

    /// Reads the conditions from `values`; `ignoring` names other keys the caller reads itself.
    init(_ values: [String: String], ignoring: Set<String> = []) throws(ControlAPI.Failure) {
        for key in values.keys where !JournalQuery.keys.contains(key) && !ignoring.contains(key) {
            throw JournalQuery.bad("unknown filter '\(key)'; expected: \((JournalQuery.keys + ignoring.sorted()).joined(separator: ", "))")
        }
        if let name = values["endpoint"] {
            if name.hasPrefix("/") {
                endpointPath = name
            } else if let targets = OperationNames.targets(name) {
                self.targets = targets
            } else {
                throw JournalQuery.bad("endpoint '\(name)' is not an operation from 'fakepbx contract list', a script name or a path")
            }
        }
        action = values["action"]?.lowercased()
        method = values["method"]?.uppercased()
        if let text = values["status"] {
            guard let code = Int(text), (0...599).contains(code) else {
                throw JournalQuery.bad("status '\(text)' is not valid: expected an HTTP status such as 200 (0 for no answer)")
            }
            status = code
        }
        if let text = values["client"] {
            guard let block = CIDRBlock(text) else { throw JournalQuery.bad("client '\(text)' is not an IP address or CIDR block") }
            client = block
        }
        if let text = values["since"] {
            if let number = Int(text), number >= 0 {
                sinceSequence = number
            } else if let epoch = Timestamp.parseISO8601(text) {
                sinceTime = epoch
            } else {
                throw JournalQuery.bad("since '\(text)' is not valid: expected a sequence number or a time such as 2026-11-23T12:00:00Z")
            }
        }
        fault = values["fault"]
        event = values["event"]
    }

    /// The string members of a JSON object, for a `verify` expectation.
    static func values(of object: JSONObject, keys: Set<String>) throws(ControlAPI.Failure) -> [String: String] {
        var values: [String: String] = [:]
        for member in object where !keys.contains(member.key) {
            switch member.value {
            case .string(let text): values[member.key] = text
            case .number(let number): values[member.key] = number.literal
            default: throw bad("'\(member.key)' must be text or a number")
            }
        }
        return values
    }

    func matches(_ entry: some JournalRecord) -> Bool {
        if let targets, !targets.contains(where: { $0.path == entry.path && ($0.action == nil || $0.action == entry.action) }) {
            return false
        }
        if let endpointPath, entry.path != endpointPath { return false }
        if let action, entry.action != action { return false }
        if let method, entry.method != method { return false }
        if let status, entry.status != status { return false }
        if let client, !client.contains(entry.client) { return false }
        if let sinceSequence, entry.sequence <= sinceSequence { return false }
        if let sinceTime, entry.time < sinceTime { return false }
        if let fault, !entry.applied.contains("fault:\(fault)") { return false }
        if let event, entry.event != event { return false }
        return true
    }

    private static func bad(_ message: String) -> ControlAPI.Failure {
        ControlAPI.Failure(status: .badRequest, message: message)
    }
}

/// What a journal filter reads of an entry: a whole ``RequestJournal/Entry``, or the
/// ``RequestJournal/Tally`` kept of every entry since the last clear.
protocol JournalRecord {
    var time: Double { get }
    var client: IPAddress { get }
    var method: String { get }
    var path: String { get }
    var status: Int { get }
    var applied: [String] { get }
    var event: String? { get }
    var sequence: Int { get }
    /// The `action` field, lower case.
    var action: String? { get }
}

extension RequestJournal.Entry: JournalRecord {
    var action: String? { fields["action"]?.lowercased() }
}

extension JournalQuery {
    /// A filter with no condition.
    static let everything = try! JournalQuery([:])

    /// `query` with only its endpoint kept, for "what came closest" when an expectation fails.
    static func relaxed(_ query: JournalQuery) -> JournalQuery {
        var near = JournalQuery.everything
        near.targets = query.targets
        near.endpointPath = query.endpointPath
        return near
    }
}

import JSONSchema
import Synchronization

/// The most recent requests, with the policies and faults that applied to each, for the control API
/// (`GET /__fakepbx/journal`).
public final class RequestJournal: Sendable {
    public struct Entry: Sendable {
        public var time: Double
        public var client: String
        public var method: String
        public var path: String
        public var status: Int
        /// What applied: `rate-limit:cdr`, `whitelist-denied`, `auth-failed`, `ban:fusionpbx`,
        /// `banned`, `contract-violation`, `fault:ID`, ...
        public var applied: [String]

        var json: JSONValue {
            [
                "time": .string(Timestamp.iso8601(Int(time))), "client": .string(client), "method": .string(method),
                "path": .string(path), "status": .int(status), "applied": .array(applied.map(JSONValue.string)),
            ]
        }
    }

    /// Older entries are dropped past this many.
    public static let capacity = 500
    private let entries = Mutex<[Entry]>([])

    public init() {}

    func record(_ entry: Entry) {
        entries.withLock { entries in
            entries.append(entry)
            if entries.count > RequestJournal.capacity { entries.removeFirst(entries.count - RequestJournal.capacity) }
        }
    }

    /// The last `limit` entries, oldest first.
    public func recent(_ limit: Int = capacity) -> [Entry] { entries.withLock { Array($0.suffix(limit)) } }

    public func clear() { entries.withLock { $0 = [] } }
}

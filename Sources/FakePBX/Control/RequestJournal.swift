import ContractKit
import JSONSchema
import Synchronization

/// Where a request was answered: on the event loop by ``FastPathHandler`` (an ordinary request
/// whose answer needs no suspension), or by Hummingbird's responder (faults, replay, streaming, HEAD).
public enum EntryPoint: String, Sendable {
    case eventLoop = "event-loop"
    case hummingbird
}

/// The most recent requests, with the policies and faults that applied to each, for the control API
/// (`GET /__fakepbx/journal`).
public final class RequestJournal: Sendable {
    /// One answered request, or one event of a connection, a ban, a scenario or the clock.
    public struct Entry: Sendable {
        public var time: Double
        /// Kept as an address and formatted only when the journal is read: recording is per request.
        public var client: IPAddress
        public var method: String
        public var path: String
        /// The status really sent, after faults; 0 when no answer was sent.
        public var status: Int
        /// What applied: `rate-limit:cdr`, `whitelist-denied`, `auth-failed`, `ban:fusionpbx`,
        /// `banned`, `contract-violation`, `fault:ID`, ...
        public var applied: [String]
        /// `http` or `https`.
        public var scheme: String = "http"
        /// The TLS version, SNI name and client certificate of an HTTPS connection.
        public var tls: TLSConnectionInfo? = nil
        /// What happened, for events that are not answered requests (a failed handshake).
        public var detail: String? = nil
        /// The request's fields (query and body, credentials removed), secrets redacted when read.
        public var fields: [String: String] = [:]
        /// The request's query string as sent (secrets redacted when read), for the journal's HAR.
        public var query: String = ""
        /// Body bytes sent, when known (not for a streamed answer).
        public var bytes: Int? = nil
        /// From the request read to the answer handed over, in milliseconds.
        public var milliseconds: Double? = nil
        /// For an entry that is not an answered request: `connection-refused`, `ban-started`,
        /// `ban-lifted`, `scenario-step`, `clock`, `tls-handshake-failed`...
        public var event: String? = nil
        /// Which entry point answered a request: ``EntryPoint``.
        public var answeredBy: EntryPoint? = nil
        /// The answer as sent; nil for an event, or when no answer was sent (a cut connection).
        public var answer: JournalAnswer? = nil
        /// Assigned by the journal: 1, 2, 3... since start or the last clear.
        public internal(set) var sequence = 0
        /// Its JSON once made, shared by every read and event stream.
        let rendered = RenderedEntry()

        /// The entry as the journal and its event streams show it (``writeMembers(to:)``, compact),
        /// made on the first read: redacting large fields is what a read costs.
        var jsonText: [UInt8] {
            rendered.bytes {
                var out: [UInt8] = []
                JSONObjectText.append(to: &out) { writeMembers(to: &$0) }
                return out
            }
        }

        /// The operation's name as `contract list` shows it (`manage_extension.create`).
        public var operation: String? { method.isEmpty ? nil : OperationNames.name(path: path, action: fields["action"]?.lowercased()) }

        var json: JSONValue {
            var object = JSONObject()
            writeMembers(to: &object)
            return .object(object)
        }

        /// The entry's members, in the journal's order, for ``json`` and the event stream's text.
        func writeMembers(to object: inout some JSONMemberWriter) {
            object.write("sequence", .int(sequence))
            object.write("time", .string(Timestamp.iso8601(Int(time))))
            object.write("client", .string(client.description))
            object.write("scheme", .string(scheme))
            object.write("method", .string(method))
            object.write("path", .string(path))
            object.write("status", .int(status))
            object.write("applied", .array(applied.map(JSONValue.string)))
            if let event { object.write("event", .string(event)) }
            if let operation { object.write("operation", .string(operation)) }
            if let action = fields["action"] { object.write("action", .string(action)) }
            if !method.isEmpty {
                var shown = JSONObject()
                for name in fields.keys.sorted() { shown[name] = .string(SecretNames.shown(fields[name]!, name: name)) }
                object.write("fields", .object(shown))
            }
            if let bytes { object.write("bytes", .int(bytes)) }
            if let answeredBy { object.write("answered_by", .string(answeredBy.rawValue)) }
            if let milliseconds { object.write("duration_ms", .double((milliseconds * 1000).rounded() / 1000)) }
            if let detail { object.write("detail", .string(detail)) }
            if let tls {
                if !tls.version.isEmpty { object.write("tls_version", .string(tls.version)) }
                if let name = tls.serverName { object.write("sni", .string(name)) }
                if let subject = tls.clientCertificate { object.write("client_certificate", .string(subject)) }
            }
        }
    }

    /// Older entries are dropped past this many.
    public static let capacity = 500

    /// What `journal/count` and `verify` read of an entry, kept for every entry since the last clear
    /// (up to ``tallyCapacity``) whatever the ring still holds: about 150 bytes each.
    struct Tally: Sendable, JournalRecord {
        var time: Double
        var client: IPAddress
        var method: String
        var path: String
        var status: Int
        var applied: [String]
        var event: String?
        var sequence: Int
        var action: String?
    }

    /// How many entries since the last clear are tallied for counting; past this, a count says it
    /// is not complete.
    public static let tallyCapacity = 250_000

    /// The tallies and the strings they share (a path or an applied list is stored once).
    private struct Tallies {
        var items: [Tally] = []
        var untallied = 0
        var paths: Set<String> = []
        var appliedLists: Set<[String]> = []

        mutating func add(_ entry: Entry) {
            guard items.count < RequestJournal.tallyCapacity else {
                untallied += 1
                return
            }
            let path = paths.insert(entry.path).memberAfterInsert
            let applied = appliedLists.insert(entry.applied).memberAfterInsert
            items.append(
                Tally(
                    time: entry.time, client: entry.client, method: entry.method, path: path, status: entry.status, applied: applied,
                    event: entry.event, sequence: entry.sequence, action: entry.action))
        }
    }

    /// A ring: `next` is where the next entry goes once the ring is full; `dropped` counts the
    /// entries it has let go since the last clear.
    private let ring = Mutex<(entries: [Entry], next: Int, sequence: Int, dropped: Int, tallies: Tallies)>(([], 0, 0, 0, Tallies()))
    /// Every entry as it is recorded, for `GET /__fakepbx/events`.
    let feed = JournalFeed()

    public init() {}

    func record(_ entry: Entry) {
        var entry = entry
        ring.withLock { ring in
            ring.sequence += 1
            entry.sequence = ring.sequence
            if ring.entries.count < RequestJournal.capacity {
                ring.entries.append(entry)
            } else {
                ring.entries[ring.next] = entry
                ring.next = (ring.next + 1) % RequestJournal.capacity
                ring.dropped += 1
            }
            ring.tallies.add(entry)
            // Under the ring's lock, so the feed has the journal's order.
            if feed.isListening { feed.publish(entry) }
        }
    }

    /// The last `limit` entries, oldest first.
    public func recent(_ limit: Int = capacity) -> [Entry] { Array(held().entries.suffix(limit)) }

    /// Every entry the journal holds, oldest first, and how many it has let go since the last clear
    /// (a count over the entries is only complete when that is 0), read together.
    func held() -> (entries: [Entry], dropped: Int) {
        ring.withLock { ring in (Array(ring.entries[ring.next...] + ring.entries[..<ring.next]), ring.dropped) }
    }

    /// A tally of every entry since the last clear, and how many more there were than it could keep
    /// (a count over the tallies is only complete when that is 0).
    func tallied() -> (tallies: [Tally], untallied: Int) {
        ring.withLock { ($0.tallies.items, $0.tallies.untallied) }
    }

    /// What a count over a tally that could not keep `untallied` entries must say.
    static func untalliedNote(_ untallied: Int) -> String {
        "fakepbx counts the first \(tallyCapacity) requests and events since the journal was last cleared, and \(untallied) more came, so a count is not complete; clear it (DELETE /__fakepbx/journal) before the requests a test counts"
    }

    /// The entry with this sequence number, while the journal still holds it.
    public func entry(_ sequence: Int) -> Entry? {
        ring.withLock { ring in ring.entries.first { $0.sequence == sequence } }
    }

    /// Forgets every entry. Sequence numbers keep counting, so an event stream's ids never repeat
    /// and a stream opened before the reset still tells new entries from those it has sent.
    public func clear() { ring.withLock { $0 = ([], 0, $0.sequence, 0, Tallies()) } }

    /// The sequence number of the last entry recorded; 0 before the first.
    var lastSequence: Int { ring.withLock { $0.sequence } }

    /// Records an event that is not an answered request; `tls` marks one of an HTTPS connection.
    func event(_ event: String, client: IPAddress, time: Double, applied: [String] = [], detail: String? = nil, tls: TLSConnectionInfo? = nil) {
        var entry = Entry(
            time: time, client: client, method: "", path: "", status: 0, applied: applied, scheme: tls == nil ? "http" : "https", tls: tls,
            detail: detail
        )
        entry.event = event
        record(entry)
    }
}

/// An entry's JSON, made once: entries do not change once recorded.
final class RenderedEntry: Sendable {
    private let text = Mutex<[UInt8]?>(nil)

    /// The text's size when made, else 0.
    var size: Int { text.withLock { $0?.count ?? 0 } }

    /// The text, made by `make` the first time (outside the lock: two first readers may both make it).
    func bytes(_ make: () -> [UInt8]) -> [UInt8] {
        if let made = text.withLock({ $0 }) { return made }
        let made = make()
        text.withLock { $0 = $0 ?? made }
        return made
    }
}

import JSONSchema
import Synchronization

/// The most recent requests, with the policies and faults that applied to each, for the control API
/// (`GET /__fakepbx/journal`).
public final class RequestJournal: Sendable {
    public struct Entry: Sendable {
        public var time: Double
        /// Kept as an address and formatted only when the journal is read: recording is per request.
        public var client: IPAddress
        public var method: String
        public var path: String
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

        var json: JSONValue {
            var object: JSONObject = [
                "time": .string(Timestamp.iso8601(Int(time))), "client": .string(client.description), "scheme": .string(scheme),
                "method": .string(method), "path": .string(path), "status": .int(status), "applied": .array(applied.map(JSONValue.string)),
            ]
            if let detail { object["detail"] = .string(detail) }
            if let tls {
                if !tls.version.isEmpty { object["tls_version"] = .string(tls.version) }
                if let name = tls.serverName { object["sni"] = .string(name) }
                if let subject = tls.clientCertificate { object["client_certificate"] = .string(subject) }
            }
            return .object(object)
        }
    }

    /// Older entries are dropped past this many.
    public static let capacity = 500
    /// A ring: `next` is where the next entry goes once the ring is full.
    private let ring = Mutex<(entries: [Entry], next: Int)>(([], 0))

    public init() {}

    func record(_ entry: Entry) {
        ring.withLock { ring in
            if ring.entries.count < RequestJournal.capacity {
                ring.entries.append(entry)
            } else {
                ring.entries[ring.next] = entry
                ring.next = (ring.next + 1) % RequestJournal.capacity
            }
        }
    }

    /// The last `limit` entries, oldest first.
    public func recent(_ limit: Int = capacity) -> [Entry] {
        ring.withLock { ring in
            let ordered = Array(ring.entries[ring.next...] + ring.entries[..<ring.next])
            return Array(ordered.suffix(limit))
        }
    }

    public func clear() { ring.withLock { $0 = ([], 0) } }
}

import Foundation

/// The CDR selection shared by `export_cdr.php`, `check_cdrs.php` and `get_cdr_data.php`.
///
/// `date_start` and `date_end` are inclusive calendar days (or `YYYY-MM-DD HH:MM[:SS]` instants) in each
/// call's own domain time zone, the way FusionPBX's CDR list filters them.
struct CDRQuery: Sendable {
    var dateStart: String
    var dateEnd: String
    var domainName: String?
    var extensionNumber: String?
    var direction: String?

    private var lower: String
    private var upper: String

    init(_ request: APIRequest) throws(APIError) {
        let values = try request.require([["date_start"], ["date_end"]])
        for (name, value) in zip(["date_start", "date_end"], values) where Timestamp.parseDay(value) == nil {
            throw .invalidRequest("\(name) '\(value)' is not valid: expected a date YYYY-MM-DD (or YYYY-MM-DD HH:MM)")
        }
        dateStart = values[0]
        dateEnd = values[1]
        lower = CDRQuery.normalise(values[0], endOfDay: false)
        upper = CDRQuery.normalise(values[1], endOfDay: true)
        guard lower <= upper else {
            throw .invalidRequest("date_end '\(values[1])' is before date_start '\(values[0])'")
        }
        domainName = request.domainName
        extensionNumber = request.string("extension")
        direction = request.string("direction")?.lowercased()
        if let direction, !CallDetailRecord.directions.contains(direction) {
            throw .invalidRequest("direction '\(direction)' is not valid: expected inbound, outbound or local")
        }
    }

    var dateRange: String { "\(dateStart) to \(dateEnd)" }

    /// `YYYY-MM-DD HH:MM:SS`, so instants compare as text.
    private static func normalise(_ text: String, endOfDay: Bool) -> String {
        let t = text.replacingOccurrences(of: "T", with: " ")
        switch t.count {
        case 10: return t + (endOfDay ? " 23:59:59" : " 00:00:00")
        case 16: return t + (endOfDay ? ":59" : ":00")
        default: return t
        }
    }

    /// The matching records, oldest first.
    func select(from dataset: Dataset) throws(ModelError) -> [CallDetailRecord] {
        if let domainName { _ = try dataset.domainIndex(named: domainName) }
        let offsets = dataset.timeZones
        return dataset.cdrs.filter { cdr in
            if let domainName, cdr.domainName != domainName { return false }
            if let extensionNumber, cdr.extensionNumber != extensionNumber { return false }
            if let direction, cdr.direction != direction { return false }
            let zone = offsets[cdr.domainName] ?? .gmt
            let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(cdr.startEpoch)))
            let local = Timestamp.localDateTime(cdr.startEpoch, offset: offset)
            return local >= lower && local <= upper
        }.sorted { $0.startEpoch < $1.startEpoch }
    }
}

extension Timestamp {
    /// `YYYY-MM-DD HH:MM:SS` at `offset` seconds from UTC.
    static func localDateTime(_ epoch: Int, offset: Int) -> String {
        String(postgres(epoch + offset).dropLast(3))
    }
}

extension Dataset {
    /// Each domain's time zone by domain name, resolved once per request.
    var timeZones: [String: TimeZone] {
        Dictionary(domains.map { ($0.name, TimeZone(identifier: $0.timeZone) ?? .gmt) }, uniquingKeysWith: { a, _ in a })
    }
}

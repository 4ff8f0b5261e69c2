import Foundation

/// The CDR selection shared by `export_cdr.php`, `check_cdrs.php` and `get_cdr_data.php`.
///
/// `date_start` and `date_end` are inclusive calendar days (or `YYYY-MM-DD HH:MM[:SS]` instants) in each
/// call's own domain time zone, the way FusionPBX's CDR list filters them. `leg` is `a` unless asked:
/// FusionPBX lists a-legs only, and a-legs are what a billing client rates.
struct CDRQuery: Sendable {
    var dateStart: String
    var dateEnd: String
    var domainName: String?
    var extensionNumber: String?
    var direction: String?
    var legs: LegSelection
    /// Inclusive bounds in local seconds (see ``CDRFilter``).
    var localFrom: Int
    var localTo: Int

    init(_ request: APIRequest) throws(APIError) {
        let values = try request.require([["date_start"], ["date_end"]])
        var bounds: [Int] = []
        for (name, value) in zip(["date_start", "date_end"], values) {
            guard let instant = Timestamp.parseDay(value) else {
                throw .invalidRequest("\(name) '\(value)' is not valid: expected a date YYYY-MM-DD (or YYYY-MM-DD HH:MM)")
            }
            // An end without seconds covers the whole of its last day or minute.
            let digits = value.filter(\.isNumber).count
            bounds.append(name == "date_end" ? instant + (digits <= 8 ? 86_399 : digits <= 12 ? 59 : 0) : instant)
        }
        dateStart = values[0]
        dateEnd = values[1]
        localFrom = bounds[0]
        localTo = bounds[1]
        // A date_end before date_start selects no day: an empty answer, as the script's SQL
        // (start_stamp BETWEEN ...) gives, not an error the contracts could not describe.
        domainName = request.domainName
        extensionNumber = request.string("extension")
        direction = request.string("direction")?.lowercased()
        if let direction, !CallDetailRecord.directions.contains(direction) {
            throw .invalidRequest("direction '\(direction)' is not valid: expected inbound, outbound or local")
        }
        let leg = request.string("leg")?.lowercased() ?? "a"
        guard let legs = LegSelection(rawValue: leg) else {
            throw .invalidRequest("leg '\(leg)' is not valid: expected a, b or all")
        }
        self.legs = legs
    }

    var dateRange: String { "\(dateStart) to \(dateEnd)" }

    /// The stored CDRs that match, and the generated history as of `now`, with `release`'s columns.
    /// `csv`: as FusionPBX's CSV export selects them (no `LOSE_RACE` legs; `domain_name` only for
    /// all domains, its `show=all`).
    func selection(in dataset: Dataset, now: Int, release: FusionPBXRelease, csv: Bool = false) throws(ModelError) -> CDRSelection {
        if let domainName { _ = try dataset.domainIndex(named: domainName) }
        var filter = CDRFilter(
            extensionNumber: extensionNumber, direction: direction, legs: legs, localFrom: localFrom, localTo: localTo, endedBy: now
        )
        filter.withoutLoseRace = csv
        let generator = dataset.cdrGeneration.map { CDRGenerator(dataset: dataset, settings: $0, now: now, domain: domainName) }
        var selection = CDRSelection(dataset: dataset, domain: domainName, filter: filter, generator: generator)
        selection.context.use(release, allDomains: domainName == nil)
        selection.context.numbersAsStrings = dataset.phpTypes == true
        return selection
    }
}

import Foundation

/// The CDRs one request (or one `cdr generate` run) asks for: the dataset's stored CDRs that match,
/// merged in start order with the generated history. Only counts and iterators: never the whole set.
public struct CDRSelection: Sendable {
    let stored: [CallDetailRecord]
    let generator: CDRGenerator?
    let filter: CDRFilter
    public var context: CDRRenderContext

    /// Stored CDRs of `dataset` matching `filter` (and `domain`), and `generator`'s.
    public init(dataset: Dataset, domain: String? = nil, filter: CDRFilter, generator: CDRGenerator?) {
        var context = CDRRenderContext(dataset: dataset)
        stored = dataset.cdrs.filter { cdr in
            if let domain, cdr.domainName != domain { return false }
            if let wanted = filter.extensionNumber, cdr.extensionNumber != wanted { return false }
            if let direction = filter.direction, cdr.direction != direction { return false }
            if !filter.legs.includes(legIndex: cdr.leg == "a" ? 0 : 1) { return false }
            if filter.withoutLoseRace && cdr.hiddenFromCSV { return false }
            let local = cdr.startEpoch + context.offset(domain: cdr.domainName, epoch: cdr.startEpoch)
            if let from = filter.localFrom, local < from { return false }
            if let to = filter.localTo, local > to { return false }
            return true
        }.sorted { $0.startEpoch < $1.startEpoch }
        self.generator = generator
        self.filter = filter
        self.context = context
    }

    /// How many records match; computed from the cheap first stage of each generated call.
    public func count() -> Int { stored.count + (generator?.count(filter) ?? 0) }

    /// The matching records, oldest first.
    public func records() -> CDRRecords { CDRRecords(items: items()) }

    /// The matching stored records and generated calls, oldest first (or newest first).
    func items(newestFirst: Bool = false) -> CDRItems {
        CDRItems(
            stored: newestFirst ? stored.reversed() : stored, calls: generator?.calls(filter, newestFirst: newestFirst), newestFirst: newestFirst)
    }

    /// Counts for `check_cdrs.php`.
    struct Summary {
        var total = 0
        var answered = 0
        var first: Int?
        var last: Int?
        var perDomain: [String: Int] = [:]

        mutating func add(start: Int, domain: String, answered: Bool) {
            total += 1
            if answered { self.answered += 1 }
            first = min(first ?? start, start)
            last = max(last ?? start, start)
            perDomain[domain, default: 0] += 1
        }
    }

    func summary() -> Summary {
        var summary = Summary()
        for cdr in stored { summary.add(start: cdr.startEpoch, domain: cdr.domainName, answered: cdr.billsec > 0) }
        guard let generator else { return summary }
        var calls = generator.calls(filter)
        while let call = calls.next() {
            let domain = calls.profile(of: call).domainName
            for leg in calls.matchingLegs(of: call) {
                summary.add(start: call.start, domain: domain, answered: leg == 0 ? call.answered : leg - 1 == call.winner)
            }
        }
        return summary
    }

    /// Records `offset..<offset+limit` and the total, building only those.
    func page(offset: Int, limit: Int) -> (total: Int, records: [CallDetailRecord]) {
        var items = self.items()
        var total = 0
        var records: [CallDetailRecord] = []
        while let item = items.next() {
            let count =
                switch item {
                case .stored: 1
                case .call(_, let legs): legs.count
                }
            // Only the items that reach into the page are built.
            if total + count > offset && total < offset + limit {
                for (i, record) in item.records(generator: generator).enumerated() where (offset..<(offset + limit)).contains(total + i) {
                    records.append(record)
                }
            }
            total += count
        }
        return (total, records)
    }
}

/// One thing to export: a stored record, or a generated call and which of its legs are wanted.
enum CDRItem: Sendable {
    case stored(CallDetailRecord)
    case call(CallPlan, legs: [Int])
}

/// Stored records and generated calls merged by start time; legs not yet built.
struct CDRItems: IteratorProtocol, Sendable {
    private let stored: [CallDetailRecord]
    private var index = 0
    private var calls: CallStream?
    private var peeked: CallPlan?
    /// Legs of a call come newest first too.
    let newestFirst: Bool

    /// `stored` in the order wanted.
    init(stored: [CallDetailRecord], calls: CallStream?, newestFirst: Bool = false) {
        self.stored = stored
        self.calls = calls
        self.newestFirst = newestFirst
    }

    /// The tenants and settings generated calls are built with.
    var generator: CDRGenerator? { calls?.generator }

    mutating func next() -> CDRItem? {
        if peeked == nil { peeked = calls?.next() }
        if index < stored.count, peeked.map({ newestFirst ? stored[index].startEpoch >= $0.start : stored[index].startEpoch <= $0.start }) ?? true {
            defer { index += 1 }
            return .stored(stored[index])
        }
        guard let plan = peeked, let calls else { return nil }
        peeked = nil
        return .call(plan, legs: calls.matchingLegs(of: plan))
    }
}

extension CDRItem {
    /// The records of this item, built.
    func records(generator: CDRGenerator?) -> [CallDetailRecord] {
        switch self {
        case .stored(let record):
            return [record]
        case .call(let plan, let wanted):
            guard let generator else { return [] }
            return plan.legs(profile: generator.tenants[plan.tenant], settings: generator.settings, wanted: wanted)
        }
    }
}

/// Stored and generated records merged by start time.
public struct CDRRecords: Sequence, IteratorProtocol, Sendable {
    private var items: CDRItems
    /// The current item's records, last first, so each is moved out rather than copied.
    private var pending: [CallDetailRecord] = []

    init(items: CDRItems) { self.items = items }

    public mutating func next() -> CallDetailRecord? {
        while pending.isEmpty {
            guard let item = items.next() else { return nil }
            pending = item.records(generator: items.generator).reversed()
        }
        return pending.popLast()
    }
}

import Foundation

/// Which legs a reader wants: `a` (what FusionPBX lists and ictVoIP bills), `b`, or both.
public enum LegSelection: String, Sendable, CaseIterable {
    case a, b, all

    func includes(legIndex: Int) -> Bool {
        switch self {
        case .a: legIndex == 0
        case .b: legIndex > 0
        case .all: true
        }
    }
}

/// Which generated legs to produce.
public struct CDRFilter: Sendable {
    public var extensionNumber: String?
    public var direction: String?
    public var legs: LegSelection
    /// Inclusive bounds on a call's start in its domain's local time, as seconds since 1970-01-01
    /// local (so `2026-11-20 00:00:00` local is the same number in every time zone).
    public var localFrom: Int?
    public var localTo: Int?
    /// Only calls that ended by then: the server never lists a call still in progress.
    public var endedBy: Int?
    /// Leaves out the ring-group legs that lost to the one answered (`LOSE_RACE`), as FusionPBX's
    /// CDR export does without the `xml_cdr_lose_race` permission.
    public var withoutLoseRace = false

    public init(
        extensionNumber: String? = nil, direction: String? = nil, legs: LegSelection = .a,
        localFrom: Int? = nil, localTo: Int? = nil, endedBy: Int? = nil
    ) {
        self.extensionNumber = extensionNumber
        self.direction = direction
        self.legs = legs
        self.localFrom = localFrom
        self.localTo = localTo
        self.endedBy = endedBy
    }
}

/// Makes up a tenant model's call history, day by day, from a seed: calls spread over business
/// hours in each domain's time zone, weekends quieter, in start order across tenants.
///
/// Nothing is stored. Each (tenant, day) has its own generator, and each call within it another, so
/// any day can be produced without the days before it, and a million calls take the memory of one
/// day's start times.
public struct CDRGenerator: Sendable {
    let tenants: [TenantProfile]
    let settings: CDRGeneration
    /// Per tenant, the first and last local day (days since 1970-01-01 in its zone).
    let days: [ClosedRange<Int>]
    /// Calls per tenant per day when a total was asked for.
    let planned: [[Int]]?

    /// Days `from`...`to` (each `YYYY-MM-DD` in every domain's own time zone), optionally exactly
    /// `count` calls spread over them by tenant volume and weekday.
    public init(dataset: Dataset, settings: CDRGeneration, from: Int, to: Int, count: Int? = nil, domain: String? = nil) {
        let tenants = TenantProfile.all(in: dataset, settings: settings).filter { domain == nil || $0.domainName == domain }
        self.tenants = tenants
        self.settings = settings
        days = tenants.map { _ in from...max(from, to) }
        planned = count.map { CDRGenerator.apportion($0, tenants: tenants, days: from...max(from, to)) }
    }

    /// The server's history: `settings.days` days before each tenant's local today, and today so far.
    public init(dataset: Dataset, settings: CDRGeneration, now: Int, domain: String? = nil) {
        let tenants = TenantProfile.all(in: dataset, settings: settings).filter { domain == nil || $0.domainName == domain }
        self.tenants = tenants
        self.settings = settings
        days = tenants.map { tenant in
            let today = CDRGenerator.localDay(now, zone: tenant.zone)
            return (today - settings.days)...today
        }
        planned = nil
    }

    /// The local day number of `epoch` in `zone`.
    static func localDay(_ epoch: Int, zone: TimeZone) -> Int {
        ByteText.floorDiv(epoch + zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(epoch))), 86_400)
    }

    /// Every matching call, oldest first (or newest first).
    func calls(_ filter: CDRFilter, newestFirst: Bool = false) -> CallStream {
        CallStream(generator: self, filter: filter, newestFirst: newestFirst)
    }

    /// How many legs match, without building them.
    ///
    /// For a-legs without other filters, a whole day that ended long enough ago counts without
    /// drawing its calls: it has exactly its planned number. Other days are counted call by call.
    public func count(_ filter: CDRFilter) -> Int {
        var total = 0
        var partial: [(tenant: Int, day: Int)] = []
        for t in tenants.indices {
            for day in days[t] {
                let dayStart = day * 86_400
                let dayEnd = dayStart + 86_399
                if let from = filter.localFrom, dayEnd < from { continue }
                if let to = filter.localTo, dayStart > to { continue }
                let whole =
                    filter.legs == .a && filter.extensionNumber == nil && filter.direction == nil
                    && (filter.localFrom ?? .min) <= dayStart && dayEnd <= (filter.localTo ?? .max)
                    // Calls start by 20:00 local and last at most 4 hours and a minute of ringing.
                    && (filter.endedBy ?? .max) > dayEnd - tenants[t].zone.secondsFromGMT() + 2 * 86_400
                if whole { total += callCount(tenant: t, day: day) } else { partial.append((t, day)) }
            }
        }
        for (t, day) in partial {
            var narrowed = filter
            narrowed.localFrom = max(filter.localFrom ?? .min, day * 86_400)
            narrowed.localTo = min(filter.localTo ?? .max, day * 86_400 + 86_399)
            var stream = CallStream(generator: self, filter: narrowed, only: t)
            while let call = stream.next() { total += stream.matchingLegs(of: call).count }
        }
        return total
    }

    // MARK: Volume

    /// Weekend days are quieter: Saturday 15 %, Sunday 6 % of a weekday.
    static func weight(day: Int) -> Double {
        switch ((day % 7) + 7) % 7 {
        case 2: 0.15  // 1970-01-01 was a Thursday: day 2 is a Saturday.
        case 3: 0.06
        default: 1
        }
    }

    /// Calls of `tenant` on `day` when no total was asked for: the volume, weighted by weekday, ±15 %.
    func callCount(tenant: Int, day: Int) -> Int {
        if let planned { return planned[tenant][day - days[tenant].lowerBound] }
        let profile = tenants[tenant]
        let jitter = 0.85 + Double(CDRHash.mix(profile.seed, UInt64(bitPattern: Int64(day))) % 3001) / 10_000
        return Int((Double(profile.volume) * CDRGenerator.weight(day: day) * jitter).rounded())
    }

    /// `total` calls shared over tenants and days by weight, largest remainder first: exact, and the
    /// same every time.
    static func apportion(_ total: Int, tenants: [TenantProfile], days: ClosedRange<Int>) -> [[Int]] {
        let volumes = tenants.map { Double(max(0, $0.volume)) }
        let useVolumes = volumes.contains { $0 > 0 }
        var weights: [Double] = []
        weights.reserveCapacity(tenants.count * days.count)
        for t in tenants.indices {
            for day in days { weights.append((useVolumes ? volumes[t] : 1) * weight(day: day)) }
        }
        let sum = weights.reduce(0, +)
        guard sum > 0, total > 0 else { return tenants.map { _ in Array(repeating: 0, count: days.count) } }
        var shares = weights.map { Double(total) * $0 / sum }
        var counts = shares.map { Int($0.rounded(.down)) }
        var left = total - counts.reduce(0, +)
        for i in shares.indices { shares[i] -= Double(counts[i]) }
        for i in shares.indices.sorted(by: { shares[$0] != shares[$1] ? shares[$0] > shares[$1] : $0 < $1 }) where left > 0 {
            counts[i] += 1
            left -= 1
        }
        return tenants.indices.map { t in Array(counts[(t * days.count)..<((t + 1) * days.count)]) }
    }

    // MARK: Time of day

    /// Weekday calls by hour, 07:00 to 19:59, peaking mid-morning and mid-afternoon.
    static let weekdayHours = [(7, 1), (8, 4), (9, 8), (10, 10), (11, 9), (12, 6), (13, 7), (14, 9), (15, 9), (16, 7), (17, 4), (18, 2), (19, 1)]
    /// Weekend calls, 09:00 to 16:59, flat.
    static let weekendHours = (9...16).map { ($0, 1) }

    /// `count` seconds of the local day, sorted.
    static func startSeconds(count: Int, day: Int, seed: UInt64) -> [Int] {
        var g = SeededGenerator(seed: seed)
        let hours = weight(day: day) < 1 ? weekendHours : weekdayHours
        let total = hours.reduce(0) { $0 + $1.1 }
        var seconds = [Int](repeating: 0, count: count)
        for i in 0..<count {
            var pick = Int.random(in: 0..<total, using: &g)
            var hour = hours[0].0
            for (h, w) in hours {
                if pick < w {
                    hour = h
                    break
                }
                pick -= w
            }
            seconds[i] = hour * 3600 + Int.random(in: 0..<3600, using: &g)
        }
        seconds.sort()
        return seconds
    }
}

/// The generated calls in start order: one cursor per tenant, merged.
struct CallStream: IteratorProtocol, Sendable {
    private struct Cursor: Sendable {
        /// The next day to load, and the last one (the first, newest first).
        var day: Int
        var lastDay: Int
        var loadedDay = 0
        var seconds: [Int] = []
        var position = 0
        var offset = 0
        var daySeed: UInt64 = 0
        /// The extension index the filter asks for; -1 when this tenant has no such extension.
        var wantedLine: Int?
        var exhausted = false
    }

    let generator: CDRGenerator
    let filter: CDRFilter
    /// Newest first, as FusionPBX's CDR export orders (`order by start_stamp desc`).
    let newestFirst: Bool
    private var cursors: [Cursor]
    private let direction: CallPlan.Direction?

    /// `only`: just this tenant's calls.
    init(generator: CDRGenerator, filter: CDRFilter, only: Int? = nil, newestFirst: Bool = false) {
        self.generator = generator
        self.filter = filter
        self.newestFirst = newestFirst
        direction = filter.direction.flatMap { name in [CallPlan.Direction.outbound, .inbound, .local].first { $0.name == name } }
        cursors = generator.tenants.indices.map { t in
            var first = generator.days[t].lowerBound
            var last = generator.days[t].upperBound
            if let from = filter.localFrom { first = max(first, ByteText.floorDiv(from, 86_400)) }
            if let to = filter.localTo { last = min(last, ByteText.floorDiv(to, 86_400)) }
            var cursor = newestFirst ? Cursor(day: last, lastDay: first, position: -1) : Cursor(day: first, lastDay: last)
            if let wanted = filter.extensionNumber {
                cursor.wantedLine = generator.tenants[t].lines.firstIndex { $0.number == wanted } ?? -1
            }
            if cursor.wantedLine == -1 || first > last || (only != nil && only != t) { cursor.exhausted = true }
            return cursor
        }
        if filter.direction != nil && direction == nil { cursors = [] }
    }

    private func hasCall(_ cursor: Cursor) -> Bool {
        newestFirst ? cursor.position >= 0 : cursor.position < cursor.seconds.count
    }

    /// Loads days until `t` has a call left; false when its range is done.
    private mutating func ready(_ t: Int) -> Bool {
        while !cursors[t].exhausted && !hasCall(cursors[t]) {
            let day = cursors[t].day
            if newestFirst ? day < cursors[t].lastDay : day > cursors[t].lastDay {
                cursors[t].exhausted = true
                cursors[t].seconds = []
                return false
            }
            let profile = generator.tenants[t]
            let count = generator.callCount(tenant: t, day: day)
            let seed = CDRHash.mix(profile.seed, UInt64(bitPattern: Int64(day)))
            cursors[t].daySeed = seed
            cursors[t].offset = profile.zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(day * 86_400 + 43_200)))
            cursors[t].seconds = count > 0 ? CDRGenerator.startSeconds(count: count, day: day, seed: seed ^ 0x5bd1_e995) : []
            cursors[t].position = newestFirst ? cursors[t].seconds.count - 1 : 0
            cursors[t].loadedDay = day
            cursors[t].day += newestFirst ? -1 : 1
        }
        return !cursors[t].exhausted
    }

    private func start(_ t: Int) -> Int {
        let c = cursors[t]
        return c.loadedDay * 86_400 + c.seconds[c.position] - c.offset
    }

    mutating func next() -> CallPlan? {
        while true {
            var best = -1
            var bestStart = newestFirst ? Int.min : Int.max
            for t in cursors.indices where ready(t) {
                let s = start(t)
                if newestFirst ? s > bestStart : s < bestStart {
                    best = t
                    bestStart = s
                }
            }
            guard best >= 0 else { return nil }
            let c = cursors[best]
            let index = c.position
            cursors[best].position += newestFirst ? -1 : 1
            let local = c.loadedDay * 86_400 + c.seconds[index]
            if let from = filter.localFrom, local < from { continue }
            if let to = filter.localTo, local > to { continue }
            if let endedBy = filter.endedBy, bestStart > endedBy {
                // Oldest first, starts only grow: this tenant has nothing more that has ended.
                if !newestFirst { cursors[best].exhausted = true }
                continue
            }
            let plan = CallPlan(
                tenant: best, profile: generator.tenants[best], start: bestStart, localStart: local,
                seed: CDRHash.mix(c.daySeed, UInt64(index))
            )
            if let endedBy = filter.endedBy, plan.end > endedBy { continue }
            if let direction, plan.direction != direction { continue }
            if matchingLegs(of: plan).isEmpty { continue }
            return plan
        }
    }

    /// The indexes of `plan`'s legs the filter keeps.
    func matchingLegs(of plan: CallPlan) -> [Int] {
        let wanted = cursors.isEmpty ? nil : cursors[plan.tenant].wantedLine
        // The usual case, without an array per call.
        if filter.legs == .a && wanted == nil { return CallStream.aLegOnly }
        return (0..<plan.legCount).filter { index in
            filter.legs.includes(legIndex: index) && (wanted == nil || plan.lineOfLeg(index) == wanted)
                && !(filter.withoutLoseRace && index > 0 && plan.answered && index - 1 != plan.winner)
        }
    }

    private static let aLegOnly = [0]

    /// The tenant profile of `plan`.
    func profile(of plan: CallPlan) -> TenantProfile { generator.tenants[plan.tenant] }
}

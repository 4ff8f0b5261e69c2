import Foundation
import JSONSchema

/// How the server makes up its call history: the dataset's `cdr_generation` object, a scenario's
/// `cdrs:` section, or `fakepbx cdr generate`'s options.
///
/// Generated CDRs are never stored: any day's calls are worked out again from the seed, the tenant and
/// the date whenever they are asked for, so an export of a million records costs no memory and the
/// same seed always gives the same calls.
public struct CDRGeneration: Codable, Sendable, Hashable {
    /// Any text; the same seed and dataset give byte-identical CDRs.
    public var seed: String
    /// Calls per weekday for each enabled tenant (weekends are quieter).
    public var callsPerDay: Int
    /// Per-tenant overrides of `calls_per_day`, by domain name.
    public var domains: [String: Int]
    /// How many days of history the server holds, ending now.
    public var days: Int
    /// Share of outbound calls to special-rate numbers (toll-free, 1300/1800/13xxxx, 0800/0845).
    public var specialShare: Double
    /// Share of outbound calls abroad.
    public var internationalShare: Double
    /// Share of dialled numbers written with a quirk: no country code or trunk prefix, `+E.164`, or an
    /// outside-line prefix.
    public var prefixQuirks: Double

    public init(
        seed: String = "fakepbx", callsPerDay: Int = 20, domains: [String: Int] = [:], days: Int = 7,
        specialShare: Double = 0.08, internationalShare: Double = 0.04, prefixQuirks: Double = 0.1
    ) {
        self.seed = seed
        self.callsPerDay = callsPerDay
        self.domains = domains
        self.days = days
        self.specialShare = specialShare
        self.internationalShare = internationalShare
        self.prefixQuirks = prefixQuirks
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case seed
        case callsPerDay = "calls_per_day"
        case domains, days
        case specialShare = "special_share"
        case internationalShare = "international_share"
        case prefixQuirks = "prefix_quirks"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = CDRGeneration()
        seed = try c.value(.seed, or: defaults.seed)
        callsPerDay = try c.value(.callsPerDay, or: defaults.callsPerDay)
        domains = try c.value(.domains, or: [:])
        days = try c.value(.days, or: defaults.days)
        specialShare = try c.value(.specialShare, or: defaults.specialShare)
        internationalShare = try c.value(.internationalShare, or: defaults.internationalShare)
        prefixQuirks = try c.value(.prefixQuirks, or: defaults.prefixQuirks)
    }

    static let fieldNames = Set(CodingKeys.allCases.map(\.rawValue))

    /// Weekday calls for `domain`.
    public func volume(of domain: String) -> Int { domains[domain] ?? callsPerDay }

    /// The problems with these settings, as (JSON pointer below `base`, message).
    func problems(at base: String, domainNames: Set<String>) -> [(String, String)] {
        var problems: [(String, String)] = []
        if callsPerDay < 0 || callsPerDay > 10_000_000 {
            problems.append(("\(base)/calls_per_day", "calls_per_day \(callsPerDay) is out of range; expected 0 to 10000000"))
        }
        if days < 0 || days > 3650 {
            problems.append(("\(base)/days", "days \(days) is out of range; expected 0 to 3650 (ten years)"))
        }
        for (name, value) in [("special_share", specialShare), ("international_share", internationalShare), ("prefix_quirks", prefixQuirks)]
        where !(0...1).contains(value) {
            problems.append(("\(base)/\(name)", "\(name) \(value) is out of range; expected a share from 0 to 1"))
        }
        if specialShare + internationalShare > 1 {
            problems.append(("\(base)/international_share", "special_share + international_share is over 1"))
        }
        for (name, value) in domains.sorted(by: { $0.key < $1.key }) {
            if !domainNames.contains(name) {
                problems.append(
                    ("\(base)/domains/\(JSONPointer.escape(name))", "no domain '\(name)' in the dataset; use one of its domain_name values"))
            } else if value < 0 || value > 10_000_000 {
                problems.append(("\(base)/domains/\(JSONPointer.escape(name))", "\(value) calls per day is out of range; expected 0 to 10000000"))
            }
        }
        return problems
    }
}

extension Dataset {
    /// Lays `overrides` (a scenario's `cdrs:` section) over this dataset's `cdr_generation`.
    /// - Throws: ``FakePBXError`` naming the setting when the result is out of range.
    mutating func overlayCDRGeneration(_ overrides: JSONObject) throws(FakePBXError) {
        var object = (try? JSONParser.parse(Array(JSONEncoder().encode(cdrGeneration ?? CDRGeneration()))))?.objectValue ?? [:]
        // `calls_per_day` alone sets every tenant's volume: the dataset's per-domain volumes (the
        // embedded dataset has one for each tenant) would otherwise leave it no tenant to apply to.
        if overrides["calls_per_day"] != nil && overrides["domains"] == nil { object["domains"] = .object([:]) }
        for member in overrides { object[member.key] = member.value }
        do {
            cdrGeneration = try JSONDecoder().decode(CDRGeneration.self, from: Data(JSONValue.object(object).serializedBytes()))
        } catch {
            throw FakePBXError(.invalidConfiguration, "the cdrs settings do not fit together: \(error)", at: "cdrs")
        }
        if let (pointer, message) = cdrGeneration?.problems(at: "cdrs", domainNames: Set(domains.map(\.name))).first {
            throw FakePBXError(.invalidConfiguration, message, at: pointer)
        }
    }
}

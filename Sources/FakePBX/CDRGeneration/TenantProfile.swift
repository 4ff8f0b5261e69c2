import Foundation

/// What the CDR generator knows of one tenant: its extensions, DIDs, trunk, time zone and plan.
/// A class: every call reads it, and sharing one costs a retain where copying a struct cost a dozen.
final class TenantProfile: Sendable {
    struct Line: Sendable {
        var number: String
        var name: String
        /// Where its phone registers from, for `network_addr`.
        var address: String
    }

    struct DID: Sendable {
        var number: String
        var nsn: String
        /// The extension index it rings.
        var target: Int
    }

    let domainName: String
    let zone: TimeZone
    let plan: Domain.NumberingPlan
    let lines: [Line]
    let dids: [DID]
    let gatewayUUID: String?
    let areaCodes: [String]
    /// Weekday calls.
    let volume: Int
    /// Hash of the run's seed and the domain name.
    let seed: UInt64
    /// Whether the carrier sends caller IDs with the country code.
    let carrierSendsCountryCode: Bool
    let carrierAddress: String

    init(
        domainName: String, zone: TimeZone, plan: Domain.NumberingPlan, lines: [Line], dids: [DID], gatewayUUID: String?,
        areaCodes: [String], volume: Int, seed: UInt64, carrierSendsCountryCode: Bool, carrierAddress: String
    ) {
        self.domainName = domainName
        self.zone = zone
        self.plan = plan
        self.lines = lines
        self.dids = dids
        self.gatewayUUID = gatewayUUID
        self.areaCodes = areaCodes
        self.volume = volume
        self.seed = seed
        self.carrierSendsCountryCode = carrierSendsCountryCode
        self.carrierAddress = carrierAddress
        presentedNumber = plan.delivered(dids[0].nsn, international: true)
    }

    /// The enabled tenants of `dataset` that have extensions, in dataset order.
    static func all(in dataset: Dataset, settings: CDRGeneration) -> [TenantProfile] {
        dataset.domains.filter(\.enabled).compactMap { domain in
            let extensions = dataset.extensions.filter { $0.domainName == domain.name && $0.enabled }
            guard !extensions.isEmpty else { return nil }
            let seed = SeededGenerator.fnv1a("\(settings.seed)|\(domain.name)")
            let lines = extensions.enumerated().map { index, ext in
                let registered = dataset.registrations.first { $0.domainName == domain.name && $0.extensionNumber == ext.number }
                return Line(
                    number: ext.number, name: ext.effectiveCallerIDName.isEmpty ? ext.number : ext.effectiveCallerIDName,
                    address: registered?.networkIP ?? "198.51.100.\(Int(CDRHash.mix(seed, UInt64(index)) % 200) + 20)"
                )
            }
            let plan = domain.numberingPlan
            var dids = dataset.destinations.filter { $0.domainName == domain.name && $0.enabled }.map { destination in
                let target = destination.data.split(separator: " ").first.map(String.init)
                let index = lines.firstIndex { $0.number == target } ?? 0
                return DID(number: destination.number, nsn: plan.nsn(ofDID: destination.number), target: index)
            }
            if dids.isEmpty {
                // A tenant without DIDs still gets calls: on a number made up from its name.
                var g = SeededGenerator(seed: seed)
                let nsn = plan.subscriber(mobile: false, areaCodes: [], using: &g)
                dids = [DID(number: plan.delivered(nsn, international: plan == .nanp), nsn: nsn, target: 0)]
            }
            let gateway =
                dataset.gateways.first { $0.domainName == domain.name && $0.enabled }
                ?? dataset.gateways.first { $0.domainName == "global" && $0.enabled }
            return TenantProfile(
                domainName: domain.name, zone: TimeZone(identifier: domain.timeZone) ?? .gmt, plan: plan, lines: lines,
                dids: dids, gatewayUUID: gateway?.uuid,
                areaCodes: Array(Set(dids.compactMap { plan.areaCode(ofNSN: $0.nsn) })).sorted(),
                volume: settings.volume(of: domain.name), seed: seed, carrierSendsCountryCode: seed % 3 != 0,
                carrierAddress: "203.0.113.\(Int(seed % 50) + 10)"
            )
        }
    }

    /// The calling number this tenant presents to its carrier (its first DID, with country code).
    let presentedNumber: String
}

/// Seed arithmetic for the generator: one seed from two (SplitMix64's finaliser).
enum CDRHash {
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var z = a ^ (b &* 0x9e37_79b9_7f4a_7c15) &+ 0x632b_e59b_d9b4_e019
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

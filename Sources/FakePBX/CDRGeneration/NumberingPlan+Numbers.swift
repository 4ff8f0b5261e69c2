/// How numbers look in one country's plan: what users dial, and what carriers deliver.
///
/// A number is made of its national significant number (NSN, no trunk or country prefix) and then
/// written the way a caller or a carrier would: canonical (NANP `1NXXNXXXXXX`, AU/UK `0…`), or with a
/// quirk a billing client must normalise: no country code or trunk prefix, E.164 with `+`, or a PBX's
/// outside-line access prefix (`9`, or `0` in Australia).
extension Domain.NumberingPlan {
    var countryCode: String {
        switch self {
        case .nanp: "1"
        case .au: "61"
        case .uk: "44"
        }
    }

    /// The international prefix users dial (`011`, `0011`, `00`).
    var exitCode: String {
        switch self {
        case .nanp: "011"
        case .au: "0011"
        case .uk: "00"
        }
    }

    var emergency: String {
        switch self {
        case .nanp: "911"
        case .au: "000"
        case .uk: "999"
        }
    }

    /// The digit PBX users dial for an outside line.
    var accessPrefix: String { self == .au ? "0" : "9" }

    /// A landline or mobile NSN; `areaCodes` (from the tenant's own DIDs) are used for most landlines.
    func subscriber(mobile: Bool, areaCodes: [String], using g: inout SeededGenerator) -> String {
        let home = areaCodes.isEmpty ? nil : areaCodes[Int.random(in: 0..<areaCodes.count, using: &g)]
        switch self {
        case .nanp:
            // NXX-NXX-XXXX; mobiles share area codes with landlines in NANP.
            let area =
                home.flatMap { Int.random(in: 0..<10, using: &g) < 6 ? $0 : nil }
                ?? Self.nanpAreas[Int.random(in: 0..<Self.nanpAreas.count, using: &g)]
            return area + digits(1, from: 2, using: &g) + digits(2, using: &g) + digits(4, using: &g)
        case .au:
            if mobile { return "4" + digits(8, using: &g) }
            let area = home.flatMap { Int.random(in: 0..<10, using: &g) < 6 ? $0 : nil } ?? ["2", "3", "7", "8"][Int.random(in: 0..<4, using: &g)]
            return area + digits(1, from: 3, using: &g) + digits(7, using: &g)
        case .uk:
            if mobile { return "7" + digits(1, from: 4, using: &g) + digits(8, using: &g) }
            let area =
                home.flatMap { Int.random(in: 0..<10, using: &g) < 6 ? $0 : nil }
                ?? ["20", "161", "121", "113", "131"][Int.random(in: 0..<5, using: &g)]
            return area + digits(area.count == 2 ? 8 : 7, from: 0, using: &g)
        }
    }

    /// A special-rate number as dialled: NANP toll-free, Australian 1300/1800/13xxxx, UK 0800/0845/0300.
    func specialNumber(using g: inout SeededGenerator) -> String {
        switch self {
        case .nanp:
            let code = ["800", "833", "844", "855", "866", "877", "888"][Int.random(in: 0..<7, using: &g)]
            return "1" + code + digits(1, from: 2, using: &g) + digits(6, using: &g)
        case .au:
            switch Int.random(in: 0..<10, using: &g) {
            case ..<4: return "1300" + digits(6, using: &g)
            case ..<8: return "1800" + digits(6, using: &g)
            default: return "13" + digits(1, from: 1, using: &g) + digits(3, using: &g)
            }
        case .uk:
            return ["0800", "0845", "0300"][Int.random(in: 0..<3, using: &g)] + digits(7, using: &g)
        }
    }

    /// A foreign number as country code + NSN (no prefix), never in this plan's own country.
    func foreignNumber(using g: inout SeededGenerator) -> String {
        let choices = Self.foreign.filter { $0.code != countryCode }
        let pick = choices[Int.random(in: 0..<choices.count, using: &g)]
        return pick.code + digits(1, from: 2, using: &g) + digits(pick.length - 1, using: &g)
    }

    /// `nsn` dialled by a user: canonical, or with a quirk.
    func dialled(_ nsn: String, quirk: NumberQuirk) -> String {
        switch quirk {
        case .none: canonical(nsn)
        case .missingCountryCode: nsn
        case .e164: "+" + countryCode + nsn
        case .accessPrefix: accessPrefix + canonical(nsn)
        }
    }

    /// `nsn` as a carrier delivers a caller ID (digits only: FusionPBX strips `+`).
    func delivered(_ nsn: String, international: Bool) -> String {
        international ? countryCode + nsn : canonical(nsn)
    }

    /// The national format: `1` + NSN in NANP, `0` + NSN in Australia and the UK.
    func canonical(_ nsn: String) -> String { self == .nanp ? "1" + nsn : "0" + nsn }

    /// The NSN of a stored DID (`13125550142`, `5192229000`, `61290001234`, `+442079460123`).
    func nsn(ofDID did: String) -> String {
        var digits = did.hasPrefix("+") ? String(did.dropFirst()) : did
        if digits.hasPrefix(countryCode), digits.count > countryCode.count + 7 { digits.removeFirst(countryCode.count) }
        if self != .nanp, digits.hasPrefix("0") { digits.removeFirst() }
        return digits
    }

    /// The area code of an NSN, for making calls near the tenant.
    func areaCode(ofNSN nsn: String) -> String? {
        switch self {
        case .nanp: nsn.count == 10 ? String(nsn.prefix(3)) : nil
        case .au: nsn.count == 9 && "2378".contains(nsn.first ?? "x") ? String(nsn.prefix(1)) : nil
        case .uk: nsn.hasPrefix("20") ? "20" : nsn.count == 10 && nsn.hasPrefix("1") ? String(nsn.prefix(3)) : nil
        }
    }

    static let nanpAreas = ["212", "312", "416", "519", "604", "713", "773", "905", "206", "305", "617", "702"]
    static let foreign: [(code: String, length: Int)] = [
        ("44", 10), ("61", 9), ("1", 10), ("33", 9), ("49", 10), ("52", 10), ("91", 10), ("63", 10), ("353", 9), ("64", 9),
    ]
}

/// A way a dialled number departs from the plan's canonical form.
enum NumberQuirk: CaseIterable {
    case none, missingCountryCode, e164, accessPrefix
}

/// `count` random decimal digits, each at least `from`.
func digits(_ count: Int, from: UInt8 = 0, using g: inout SeededGenerator) -> String {
    String(unsafeUninitializedCapacity: count) { buffer in
        for i in 0..<count { buffer[i] = UInt8(ascii: "0") + UInt8.random(in: from...9, using: &g) }
        return count
    }
}

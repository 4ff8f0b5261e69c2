/// Phone numbers in text, and stand-ins for them that bill the same.
///
/// A billing system rates a call by the leading digits of the number dialled: a PBX's outside-line
/// digit and the international access code (`9011`, `0011`, `00`), the country code, the trunk
/// prefix (`0`, or NANP's `1`), the special and toll-free ranges (1300, 1800, 0800, 0845, 0300, 8XX),
/// the mobile and area prefixes, and the length. A stand-in keeps those and the `+`, and replaces
/// every digit after them, so a recording shared with `--pseudonymize` rates as the customer's did
/// and still identifies no one: at least 4 digits, the subscriber's, are always replaced.
enum NumberPseudonym {
    /// Access and exit codes as dialled from a PBX, longest first: Australia's `0` + `0011`, `0011`,
    /// NANP's `9` + `011`, `011`, the UK's `9` + `00`, `00`.
    static let exitCodes = ["00011", "0011", "9011", "011", "900", "00"]
    /// Special-rate and toll-free prefixes read whole: Australia's 1300 and 1800, NANP toll-free with
    /// its `1`, the UK's 0800, 0845 and 0300.
    static let specialPrefixes = ["1300", "1800", "1833", "1844", "1855", "1866", "1877", "1888", "0800", "0845", "0300"]
    /// Two-digit country codes (ITU-T E.164 assignments); `1` and `7` are one digit, the rest three.
    static let twoDigitCountryCodes: Set<String> = [
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49", "51", "52", "53", "54",
        "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
    ]
    /// Digits after the country code, trunk prefix or exit code that rating also reads: a mobile
    /// prefix, an area code (NANP's is three digits), a special range (the UK's 800, 845, 300,
    /// NANP's 8XX); Australia's 1300 and 1800 take four.
    static let areaDigits = 3

    /// The digits of a national number that rating reads.
    static func ratedDigits(_ nsn: Substring) -> Int {
        nsn.hasPrefix("1300") || nsn.hasPrefix("1800") ? 4 : areaDigits
    }
    /// Digits always replaced: the subscriber's.
    static let minimumReplaced = 4

    /// The length of a country code at the start of `digits`.
    static func countryCodeLength(_ digits: Substring) -> Int {
        guard let first = digits.first else { return 0 }
        if first == "1" || first == "7" { return 1 }
        return twoDigitCountryCodes.contains(String(digits.prefix(2))) ? 2 : 3
    }

    /// How many leading digits of `digits` (a number's digits, without `+`) rating reads.
    static func ratingPrefixLength(_ digits: String, international: Bool) -> Int {
        let all = Substring(digits)
        var kept: Int
        func afterCountryCode(_ start: Int) -> Int {
            let code = countryCodeLength(all.dropFirst(start))
            return start + code + ratedDigits(all.dropFirst(start + code))
        }
        if international {
            kept = afterCountryCode(0)
        } else if let exit = exitCodes.first(where: { digits.hasPrefix($0) }) {
            kept = afterCountryCode(exit.count)
        } else if let special = specialPrefixes.first(where: { digits.hasPrefix($0) }) {
            kept = special.count
        } else if digits.hasPrefix("0") {
            kept = 1 + areaDigits  // trunk prefix, then the mobile or area prefix
        } else if digits.hasPrefix("1"), digits.count == 11 {
            kept = 1 + areaDigits  // NANP: 1, then the area code
        } else {
            kept = afterCountryCode(0)  // a carrier's country code and national number, or a bare area code
        }
        return max(0, min(kept, digits.count - minimumReplaced))
    }

    /// A stand-in for `number` (digits, with or without a leading `+`): the same `+`, rating prefix
    /// and length, the rest made from `counter` (distinct counters give distinct stand-ins).
    static func standIn(_ number: String, counter: Int) -> String {
        let plus = number.hasPrefix("+")
        let digits = plus ? String(number.dropFirst()) : number
        let kept = ratingPrefixLength(digits, international: plus)
        let replaced = digits.count - kept
        let serial = String(String(counter).suffix(replaced))
        return (plus ? "+" : "") + digits.prefix(kept) + String(repeating: "5", count: replaced - serial.count) + serial
    }

    /// Whether a run of digits is a timestamp rather than a number: 10 or 13 digits (epoch seconds
    /// or milliseconds) from 2017 to 2033, which no numbering plan's numbers look like (Australian
    /// specials start 13 or 18, NANP numbers with their 1 have 11 digits).
    static func isTimestamp(_ digits: Substring) -> Bool {
        (digits.count == 10 || digits.count == 13) && (digits.hasPrefix("15") || digits.hasPrefix("16") || digits.hasPrefix("17"))
    }

    /// `text` with every phone number (7 to 20 digits, a `+` before them kept, standing alone as a
    /// word) replaced by `replace`; one pass over the text.
    static func replacingNumbers(in text: String, _ replace: (String) -> String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        var changed = false
        func isWord(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x5F || byte >= 0x80
        }
        while index < bytes.count {
            let byte = bytes[index]
            let isDigit = byte >= 0x30 && byte <= 0x39
            let startsHere = isDigit && (index == 0 || !isWord(bytes[index - 1]))
            guard startsHere else {
                out.append(byte)
                index += 1
                continue
            }
            var end = index
            while end < bytes.count, bytes[end] >= 0x30, bytes[end] <= 0x39 { end += 1 }
            let digits = Substring(String(decoding: bytes[index..<end], as: UTF8.self))
            let standsAlone = end == bytes.count || !isWord(bytes[end])
            if standsAlone, (7...20).contains(digits.count), !isTimestamp(digits) {
                let plus = out.last == UInt8(ascii: "+")
                if plus { out.removeLast() }
                out += Array(replace((plus ? "+" : "") + digits).utf8)
                changed = true
            } else {
                out += bytes[index..<end]
            }
            index = end
        }
        return changed ? String(decoding: out, as: UTF8.self) : text
    }
}

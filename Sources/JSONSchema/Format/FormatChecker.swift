#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks for the `format` values fakepbx asserts when asked to (`--format-assertion`). Unknown formats
/// always pass, as the specification requires.
enum FormatChecker {
    static let checks: [String: @Sendable (String) -> Bool] = [
        "date-time": dateTime, "date": date, "time": time, "duration": duration,
        "email": { email($0, international: false) }, "idn-email": { email($0, international: true) },
        "hostname": { hostname($0, international: false) }, "idn-hostname": { hostname($0, international: true) },
        "ipv4": ipv4, "ipv6": ipv6,
        "uri": { uri($0, requireScheme: true, international: false) },
        "uri-reference": { uri($0, requireScheme: false, international: false) },
        "iri": { uri($0, requireScheme: true, international: true) },
        "iri-reference": { uri($0, requireScheme: false, international: true) },
        "uuid": uuid, "regex": regex, "json-pointer": jsonPointer, "relative-json-pointer": relativeJSONPointer,
        "uri-template": uriTemplate,
    ]

    private static func digits(_ text: Substring, count: Int) -> Int? {
        guard text.count == count, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }

    static func date(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, let year = digits(parts[0], count: 4), let month = digits(parts[1], count: 2),
            let day = digits(parts[2], count: 2), (1...12).contains(month)
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }

    static func time(_ text: String) -> Bool {
        let chars = Array(text)
        guard chars.count >= 9, chars[2] == ":", chars[5] == ":",
            let hour = digits(Substring(String(chars[0..<2])), count: 2),
            let minute = digits(Substring(String(chars[3..<5])), count: 2),
            let second = digits(Substring(String(chars[6..<8])), count: 2),
            hour < 24, minute < 60, second <= 60
        else { return false }
        var rest = chars[8...]
        if rest.first == "." {
            rest = rest.dropFirst()
            let fraction = rest.prefix { $0.isASCII && $0.isNumber }
            guard !fraction.isEmpty else { return false }
            rest = rest.dropFirst(fraction.count)
        }
        var offsetMinutes = 0
        switch rest.first {
        case "Z", "z":
            guard rest.count == 1 else { return false }
        case "+", "-":
            let sign = rest.first == "-" ? -1 : 1
            let offset = Array(rest.dropFirst())
            guard offset.count == 5, offset[2] == ":",
                let oh = digits(Substring(String(offset[0..<2])), count: 2), let om = digits(Substring(String(offset[3..<5])), count: 2),
                oh < 24, om < 60
            else { return false }
            offsetMinutes = sign * (oh * 60 + om)
        default:
            return false
        }
        if second == 60 {
            // A leap second happens at 23:59:60 UTC only.
            let utc = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440
            return utc == 23 * 60 + 59
        }
        return true
    }

    static func dateTime(_ text: String) -> Bool {
        guard let separator = text.firstIndex(where: { $0 == "T" || $0 == "t" }) else { return false }
        return date(String(text[..<separator])) && time(String(text[text.index(after: separator)...]))
    }

    static func duration(_ text: String) -> Bool {
        guard text.hasPrefix("P"), text.count > 1, text.allSatisfy(\.isASCII) else { return false }
        var body = Substring(text.dropFirst())
        if body.hasSuffix("W") {
            return digits(body.dropLast(), count: body.count - 1) != nil
        }
        var datePart = body
        var timePart: Substring? = nil
        if let t = body.firstIndex(of: "T") {
            datePart = body[..<t]
            timePart = body[body.index(after: t)...]
            guard timePart?.isEmpty == false else { return false }
        }
        // RFC 3339 appendix A: units appear in order and without gaps (Y then M then D; H then M then S).
        func units(_ part: Substring, _ order: [Character]) -> Bool {
            var seen: [Int] = []
            var number = ""
            for c in part {
                if c.isASCII && c.isNumber {
                    number.append(c)
                    continue
                }
                guard !number.isEmpty, let index = order.firstIndex(of: c) else { return false }
                seen.append(index)
                number = ""
            }
            guard number.isEmpty, let first = seen.first else { return number.isEmpty }
            return seen == Array(first..<(first + seen.count))
        }
        body = datePart
        guard units(body, ["Y", "M", "D"]) else { return false }
        if let timePart { return units(timePart, ["H", "M", "S"]) }
        return !datePart.isEmpty
    }

    static func ipv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { part in
                !part.isEmpty && part.count <= 3 && part.allSatisfy { $0.isASCII && $0.isNumber }
                    && !(part.count > 1 && part.first == "0") && Int(part)! <= 255
            }
    }

    static func ipv6(_ text: String) -> Bool {
        guard text.allSatisfy({ $0.isASCII && !$0.isWhitespace }), !text.contains("%") else { return false }
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }

    static func hostname(_ text: String, international: Bool) -> Bool {
        let name = text
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard !label.isEmpty, label.utf8.count <= 63, label.first != "-", label.last != "-" else { return false }
            if label.count >= 4, Array(label)[2...3] == ["-", "-"], !label.lowercased().hasPrefix("xn--") { return false }
            return label.allSatisfy { c in
                (c.isASCII && (c.isLetter || c.isNumber || c == "-")) || (international && !c.isASCII && !c.isWhitespace)
            }
        }
    }

    static func email(_ text: String, international: Bool) -> Bool {
        guard let at = text.lastIndex(of: "@") else { return false }
        let local = text[..<at]
        let domain = String(text[text.index(after: at)...])
        guard !local.isEmpty, local.utf8.count <= 64 else { return false }
        if local.hasPrefix("\"") {
            guard local.count >= 2, local.hasSuffix("\"") else { return false }
        } else {
            guard local.first != ".", local.last != ".", !local.contains("..") else { return false }
            let allowed = "!#$%&'*+-/=?^_`{|}~."
            guard local.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || allowed.contains($0) || (international && !$0.isASCII) })
            else { return false }
        }
        if domain.hasPrefix("[") && domain.hasSuffix("]") {
            let literal = String(domain.dropFirst().dropLast())
            return literal.hasPrefix("IPv6:") ? ipv6(String(literal.dropFirst(5))) : ipv4(literal)
        }
        return hostname(domain, international: international)
    }

    static func uri(_ text: String, requireScheme: Bool, international: Bool) -> Bool {
        let reference = URIReference(text)
        if requireScheme && reference.scheme == nil { return false }
        if let scheme = reference.scheme, !(scheme.first?.isLetter ?? false) { return false }
        let bytes = Array(text.unicodeScalars)
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == "%" {
                guard i + 2 < bytes.count, bytes[i + 1].properties.isASCIIHexDigit, bytes[i + 2].properties.isASCIIHexDigit else { return false }
                i += 3
                continue
            }
            if !c.isASCII {
                guard international else { return false }
            } else if c.value < 0x21 || "\"<>\\^`{|}".unicodeScalars.contains(c) {
                return false
            }
            i += 1
        }
        // RFC 3986: the first '#' starts the fragment, which may not hold another.
        if reference.fragment?.contains("#") == true { return false }
        // Square brackets belong only around an IP literal host.
        if (reference.path + (reference.query ?? "") + (reference.fragment ?? "")).contains(where: { $0 == "[" || $0 == "]" }) {
            return false
        }
        if let authority = reference.authority {
            let parts = authority.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return false }
            if parts.count == 2, parts[0].contains(where: { $0 == "[" || $0 == "]" }) { return false }
            let host = String(parts[parts.count - 1])
            if host.hasPrefix("[") {
                guard let close = host.firstIndex(of: "]") else { return false }
                let inside = String(host[host.index(after: host.startIndex)..<close])
                if !inside.lowercased().hasPrefix("v") && !ipv6(inside) { return false }
            } else if host.contains("[") || host.contains("]") {
                return false
            }
            if !host.hasPrefix("["), let colon = host.firstIndex(of: ":") {
                // Outside brackets a host has at most one colon, before the port.
                let port = host[host.index(after: colon)...]
                if !port.allSatisfy({ $0.isASCII && $0.isNumber }) { return false }
            }
        }
        if reference.scheme == nil, let colon = reference.path.firstIndex(of: ":"),
            !reference.path[..<colon].contains("/")
        {
            return false
        }
        return true
    }

    static func uuid(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        // RFC 4122's ABNF: ASCII hex digits only (Character.isHexDigit also takes full-width ones).
        return parts.map(\.utf8.count) == [8, 4, 4, 4, 12] && parts.allSatisfy { $0.unicodeScalars.allSatisfy(\.properties.isASCIIHexDigit) }
    }

    static func regex(_ text: String) -> Bool { (try? PatternRegex(text)) != nil }

    static func jsonPointer(_ text: String) -> Bool {
        guard text.isEmpty || text.hasPrefix("/") else { return false }
        let chars = Array(text)
        for (i, c) in chars.enumerated() where c == "~" {
            guard i + 1 < chars.count, chars[i + 1] == "0" || chars[i + 1] == "1" else { return false }
        }
        return true
    }

    static func relativeJSONPointer(_ text: String) -> Bool {
        let prefix = text.prefix { $0.isASCII && $0.isNumber }
        guard !prefix.isEmpty, !(prefix.count > 1 && prefix.first == "0") else { return false }
        let rest = String(text.dropFirst(prefix.count))
        return rest == "#" || jsonPointer(rest)
    }

    static func uriTemplate(_ text: String) -> Bool {
        var open = false
        for c in text {
            if c == "{" {
                if open { return false }
                open = true
            } else if c == "}" {
                if !open { return false }
                open = false
            }
        }
        return !open
    }
}

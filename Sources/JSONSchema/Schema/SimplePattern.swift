/// A fast matcher for the ECMA-262 patterns schemas use most: anchors, literals, `.`, character
/// classes, `\d \w \s` (and their negations) and greedy quantifiers. Anything else (groups,
/// alternation, lookaround, back-references, lazy quantifiers) is left to Swift's `Regex`:
/// ``parse(_:)`` returns `nil` for it.
struct SimplePattern: Sendable {
    private enum Matcher: Sendable {
        case scalar(UInt32)
        case any
        /// A class: a bitmap for ASCII (tested first) and ranges for the rest.
        case set(low: UInt64, high: UInt64, ranges: [ClosedRange<UInt32>], negated: Bool)

        static func set(_ ranges: [ClosedRange<UInt32>], negated: Bool) -> Matcher {
            var low: UInt64 = 0
            var high: UInt64 = 0
            for range in ranges where range.lowerBound < 128 {
                for c in range.lowerBound...min(range.upperBound, 127) {
                    if c < 64 { low |= 1 << UInt64(c) } else { high |= 1 << UInt64(c - 64) }
                }
            }
            return .set(low: low, high: high, ranges: ranges, negated: negated)
        }

        @inline(__always)
        func matches(_ c: UInt32) -> Bool {
            switch self {
            case .scalar(let s): return s == c
            case .any: return !(c == 0x0A || c == 0x0D || c == 0x2028 || c == 0x2029)
            case .set(let low, let high, let ranges, let negated):
                let inside: Bool
                if c < 64 {
                    inside = low & (1 << UInt64(c)) != 0
                } else if c < 128 {
                    inside = high & (1 << UInt64(c - 64)) != 0
                } else {
                    inside = ranges.contains { $0.contains(c) }
                }
                return inside != negated
            }
        }
    }

    private struct Atom: Sendable {
        var matcher: Matcher
        var min: Int
        var max: Int
    }

    private let atoms: [Atom]
    private let anchoredStart: Bool
    private let anchoredEnd: Bool

    private static let digit: [ClosedRange<UInt32>] = [48...57]
    private static let word: [ClosedRange<UInt32>] = [48...57, 65...90, 95...95, 97...122]
    private static let space: [ClosedRange<UInt32>] = [
        9...13, 32...32, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A, 0x2028...0x2029, 0x202F...0x202F,
        0x205F...0x205F, 0x3000...0x3000, 0xFEFF...0xFEFF,
    ]

    static func parse(_ pattern: String) -> SimplePattern? {
        var chars = Array(pattern.unicodeScalars)[...]
        var anchoredStart = false
        var anchoredEnd = false
        if chars.first == "^" {
            anchoredStart = true
            chars = chars.dropFirst()
        }
        if chars.last == "$", chars.count < 2 || chars[chars.index(before: chars.endIndex) - 1] != "\\" {
            anchoredEnd = true
            chars = chars.dropLast()
        }
        var atoms: [Atom] = []
        while let c = chars.first {
            chars = chars.dropFirst()
            let matcher: Matcher
            switch c {
            case "\\":
                guard let escaped = escape(&chars) else { return nil }
                matcher = escaped
            case "[":
                guard let set = characterClass(&chars) else { return nil }
                matcher = set
            case ".":
                matcher = .any
            case "(", ")", "|", "^", "$", "*", "+", "?", "{", "}", "]":
                return nil
            default:
                matcher = .scalar(c.value)
            }
            var atom = Atom(matcher: matcher, min: 1, max: 1)
            if let q = chars.first {
                switch q {
                case "?":
                    (atom.min, atom.max) = (0, 1)
                    chars = chars.dropFirst()
                case "*":
                    (atom.min, atom.max) = (0, Int.max)
                    chars = chars.dropFirst()
                case "+":
                    (atom.min, atom.max) = (1, Int.max)
                    chars = chars.dropFirst()
                case "{":
                    guard let (low, high) = braces(&chars) else { return nil }
                    (atom.min, atom.max) = (low, high)
                default: break
                }
                if let lazy = chars.first, lazy == "?" || lazy == "*" || lazy == "+" || lazy == "{" { return nil }
            }
            atoms.append(atom)
        }
        return SimplePattern(atoms: atoms, anchoredStart: anchoredStart, anchoredEnd: anchoredEnd)
    }

    private static func braces(_ chars: inout ArraySlice<Unicode.Scalar>) -> (Int, Int)? {
        guard let close = chars.firstIndex(of: "}") else { return nil }
        let body = String(String.UnicodeScalarView(chars[(chars.startIndex + 1)..<close]))
        chars = chars[(close + 1)...]
        let parts = body.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count <= 2, let low = Int(parts[0]), parts[0].allSatisfy(\.isNumber) else { return nil }
        if parts.count == 1 { return (low, low) }
        if parts[1].isEmpty { return (low, Int.max) }
        guard let high = Int(parts[1]), parts[1].allSatisfy(\.isNumber), high >= low else { return nil }
        return (low, high)
    }

    private static func escape(_ chars: inout ArraySlice<Unicode.Scalar>) -> Matcher? {
        guard let e = chars.first else { return nil }
        chars = chars.dropFirst()
        switch e {
        case "d": return .set(digit, negated: false)
        case "D": return .set(digit, negated: true)
        case "w": return .set(word, negated: false)
        case "W": return .set(word, negated: true)
        case "s": return .set(space, negated: false)
        case "S": return .set(space, negated: true)
        case "t": return .scalar(0x09)
        case "n": return .scalar(0x0A)
        case "r": return .scalar(0x0D)
        case "f": return .scalar(0x0C)
        case "v": return .scalar(0x0B)
        case "u", "x":
            let count = e == "u" ? 4 : 2
            guard chars.count >= count, let value = UInt32(String(String.UnicodeScalarView(chars.prefix(count))), radix: 16),
                let scalar = Unicode.Scalar(value)
            else { return nil }
            chars = chars.dropFirst(count)
            return .scalar(scalar.value)
        default:
            // Identity escapes of punctuation; letters and digits mean something else (\b, \1, \p, ...).
            if e.properties.isAlphabetic || ("0"..."9").contains(e) { return nil }
            return .scalar(e.value)
        }
    }

    private static func characterClass(_ chars: inout ArraySlice<Unicode.Scalar>) -> Matcher? {
        var negated = false
        if chars.first == "^" {
            negated = true
            chars = chars.dropFirst()
        }
        var ranges: [ClosedRange<UInt32>] = []
        var first = true
        while let c = chars.first {
            chars = chars.dropFirst()
            if c == "]" && !first { return .set(ranges, negated: negated) }
            if c == "]" || c == "[" { return nil }
            first = false
            var low: UInt32
            if c == "\\" {
                guard let escaped = escape(&chars) else { return nil }
                switch escaped {
                case .scalar(let s): low = s
                case .set(_, _, let set, false):
                    ranges += set
                    continue
                default: return nil
                }
            } else {
                low = c.value
            }
            if chars.first == "-", chars.count >= 2, chars[chars.startIndex + 1] != "]" {
                chars = chars.dropFirst()
                guard let h = chars.first else { return nil }
                chars = chars.dropFirst()
                var high = h.value
                if h == "\\" {
                    guard case .scalar(let s)? = escape(&chars) else { return nil }
                    high = s
                }
                guard high >= low else { return nil }
                ranges.append(low...high)
            } else {
                ranges.append(low...low)
            }
        }
        return nil
    }

    /// Whether the pattern matches anywhere in `text` (or, when anchored, at its start or end).
    func matches(_ text: String) -> Bool {
        // ASCII text (the usual case for identifiers, numbers and stamps) is matched on its UTF-8 bytes
        // in place; anything else on an array of its code points.
        var text = text
        if let ascii = text.withUTF8({ bytes in bytes.contains { $0 >= 0x80 } ? nil : search(bytes) }) { return ascii }
        return search(text.unicodeScalars.map(\.value))
    }

    private func search<Text: RandomAccessCollection>(_ text: Text) -> Bool
    where Text.Index == Int, Text.Element: FixedWidthInteger {
        if anchoredStart { return match(0, text, text.startIndex) }
        for start in text.startIndex...text.endIndex where match(0, text, start) { return true }
        return false
    }

    private func match<Text: RandomAccessCollection>(_ index: Int, _ text: Text, _ position: Int) -> Bool
    where Text.Index == Int, Text.Element: FixedWidthInteger {
        if index == atoms.count { return !anchoredEnd || position == text.endIndex }
        let atom = atoms[index]
        var count = 0
        while count < atom.max, position + count < text.endIndex, atom.matcher.matches(UInt32(text[position + count])) {
            count += 1
        }
        if count < atom.min { return false }
        if index == atoms.count - 1 && !anchoredEnd { return true }
        var taken = count
        while taken >= atom.min {
            if match(index + 1, text, position + taken) { return true }
            taken -= 1
        }
        return false
    }
}

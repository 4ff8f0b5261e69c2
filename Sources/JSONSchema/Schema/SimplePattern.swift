/// A fast matcher for the ECMA-262 patterns schemas use most: anchors, literals, `.`, character
/// classes, `\d \w \s` (and their negations) and greedy quantifiers. Anything else (groups,
/// alternation, lookaround, back-references, lazy quantifiers) is left to Swift's `Regex`:
/// ``parse(_:)`` returns `nil` for it.
struct SimplePattern: Sendable {
    private enum Matcher: Sendable {
        case scalar(Unicode.Scalar)
        case any
        case set(ranges: [ClosedRange<UInt32>], negated: Bool)

        func matches(_ c: Unicode.Scalar) -> Bool {
            switch self {
            case .scalar(let s): return s == c
            case .any: return !(c == "\n" || c == "\r" || c == "\u{2028}" || c == "\u{2029}")
            case .set(let ranges, let negated):
                let inside = ranges.contains { $0.contains(c.value) }
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

    private init(atoms: [Atom], anchoredStart: Bool, anchoredEnd: Bool) {
        self.atoms = atoms
        self.anchoredStart = anchoredStart
        self.anchoredEnd = anchoredEnd
    }

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
                matcher = .scalar(c)
            }
            var atom = Atom(matcher: matcher, min: 1, max: 1)
            if let q = chars.first {
                switch q {
                case "?": (atom.min, atom.max) = (0, 1); chars = chars.dropFirst()
                case "*": (atom.min, atom.max) = (0, Int.max); chars = chars.dropFirst()
                case "+": (atom.min, atom.max) = (1, Int.max); chars = chars.dropFirst()
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
        case "d": return .set(ranges: digit, negated: false)
        case "D": return .set(ranges: digit, negated: true)
        case "w": return .set(ranges: word, negated: false)
        case "W": return .set(ranges: word, negated: true)
        case "s": return .set(ranges: space, negated: false)
        case "S": return .set(ranges: space, negated: true)
        case "t": return .scalar("\t")
        case "n": return .scalar("\n")
        case "r": return .scalar("\r")
        case "f": return .scalar("\u{0C}")
        case "v": return .scalar("\u{0B}")
        case "u", "x":
            let count = e == "u" ? 4 : 2
            guard chars.count >= count, let value = UInt32(String(String.UnicodeScalarView(chars.prefix(count))), radix: 16),
                let scalar = Unicode.Scalar(value)
            else { return nil }
            chars = chars.dropFirst(count)
            return .scalar(scalar)
        default:
            // Identity escapes of punctuation; letters and digits mean something else (\b, \1, \p, ...).
            if e.properties.isAlphabetic || ("0"..."9").contains(e) { return nil }
            return .scalar(e)
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
            if c == "]" && !first { return .set(ranges: ranges, negated: negated) }
            if c == "]" || c == "[" { return nil }
            first = false
            var low: UInt32
            if c == "\\" {
                guard let escaped = escape(&chars) else { return nil }
                switch escaped {
                case .scalar(let s): low = s.value
                case .set(let set, false): ranges += set; continue
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
                    high = s.value
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
        let ascii: Bool? = text.withUTF8 { bytes in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
            return search(ScalarText(count: bytes.count) { Unicode.Scalar(bytes[$0]) })
        }
        if let ascii { return ascii }
        let scalars = Array(text.unicodeScalars)
        return search(ScalarText(count: scalars.count) { scalars[$0] })
    }

    /// Random access to a text's code points, whichever storage holds them.
    private struct ScalarText {
        let count: Int
        let at: (Int) -> Unicode.Scalar
    }

    private func search(_ text: ScalarText) -> Bool {
        if anchoredStart { return match(0, text, 0) }
        for start in 0...text.count where match(0, text, start) { return true }
        return false
    }

    private func match(_ index: Int, _ text: ScalarText, _ position: Int) -> Bool {
        if index == atoms.count { return !anchoredEnd || position == text.count }
        let atom = atoms[index]
        var count = 0
        while count < atom.max, position + count < text.count, atom.matcher.matches(text.at(position + count)) { count += 1 }
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

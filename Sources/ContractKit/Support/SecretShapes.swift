/// Finds the credential shapes `SecretNames` describes in a text's UTF-8 bytes, in time linear in the
/// text. Swift `Regex` took seconds for a 600 KB CDR export (it matches by grapheme cluster), and the
/// `name=value` pattern was quadratic on a long run of letters.
///
/// The shapes, each as the regular expression it stands for (ASCII classes; `\b` treats bytes
/// outside ASCII as non-word, so it finds more, never fewer):
/// - a PEM private key: `-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)`
/// - a JWT: `\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*`
/// - HTTP Basic: `(?i)\bbasic\s+([A-Za-z0-9+/=]{8,})`, the credential alone
/// - a bearer token: `(?i)\bbearer\s+([A-Za-z0-9._~+/=-]{8,})`, the token alone
/// - an AWS-style access key id: `\b(AKIA|ASIA)[0-9A-Z]{16}\b`
/// - `name=value` or `name: value` with a secret name:
///   `([A-Za-z_][A-Za-z0-9_.\-\[\]]*)"?\s*[=:]\s*"?([^&\s"',;}]+)`, the value alone.
/// - a multipart part with a secret name (`name="password"`, its headers, a blank line), its value
///   alone, up to the next part: a browser's FormData body kept as text.
///
/// A regular expression's matches do not overlap, so one match can hide another that starts inside
/// it (`a=password=x`, or a token after `Bearer` inside a JWT). Here a match is looked for at every
/// place one can start, and overlapping matches, of any shapes, are joined into one: what is found
/// covers every byte the regular expressions found, and sometimes more.
struct SecretShapes {
    /// A match by UTF-8 offsets.
    struct Found {
        var range: Range<Int>
        var what: String
        var kind: String
    }

    /// Valid only while the scan runs: `SecretNames.secrets(in:)` lends the text's own storage.
    private let bytes: UnsafeBufferPointer<UInt8>

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Every match but those that start with `placeholderPrefix` (already redacted), overlapping
    /// ones joined (the first to start names the whole), sorted by position.
    func all(placeholderPrefix: String, isSecretName: (String) -> Bool) -> [Found] {
        var found: [Found] = []
        for shape in [
            pemKeys(), tokens(), credentials(scheme: "basic"), credentials(scheme: "bearer"), accessKeys(), assignments(isSecretName),
            formDataParts(isSecretName),
        ] {
            found += shape
        }
        guard !found.isEmpty else { return [] }  // most texts: no allocation beyond this point
        let prefix = Array(placeholderPrefix.utf8)
        found = found.filter { !bytes[$0.range].starts(with: prefix) }.sorted { $0.range.lowerBound < $1.range.lowerBound }
        var joined: [Found] = []
        for match in found {
            if let last = joined.last, match.range.lowerBound < last.range.upperBound {
                joined[joined.count - 1].range = last.range.lowerBound..<max(last.range.upperBound, match.range.upperBound)
            } else {
                joined.append(match)
            }
        }
        return joined
    }

    // MARK: - Classes

    private static func isWord(_ byte: UInt8) -> Bool { isAlphanumeric(byte) || byte == UInt8(ascii: "_") }
    private static func isAlphanumeric(_ byte: UInt8) -> Bool { isLetter(byte) || isDigit(byte) }
    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    private static func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
    private static func isTokenCharacter(_ byte: UInt8) -> Bool { isWord(byte) || byte == UInt8(ascii: "-") }
    private static func isBasicCharacter(_ byte: UInt8) -> Bool { isAlphanumeric(byte) || "+/=".utf8.contains(byte) }
    private static func isBearerCharacter(_ byte: UInt8) -> Bool { isAlphanumeric(byte) || "._~+/=-".utf8.contains(byte) }
    private static func isNameStart(_ byte: UInt8) -> Bool { isLetter(byte) || byte == UInt8(ascii: "_") }
    private static func isNameCharacter(_ byte: UInt8) -> Bool { isWord(byte) || ".-[]".utf8.contains(byte) }
    private static func isValueCharacter(_ byte: UInt8) -> Bool { !isSpace(byte) && !"&\"',;}".utf8.contains(byte) }

    private func boundaryBefore(_ index: Int) -> Bool { index == 0 || !SecretShapes.isWord(bytes[index - 1]) }
    private func boundaryAfter(_ index: Int) -> Bool { index == bytes.count || !SecretShapes.isWord(bytes[index]) }

    /// Whether `literal` stands at `index`, letters compared without case when `foldingCase`.
    private func has(_ literal: String, at index: Int, foldingCase: Bool = false) -> Bool {
        var position = index
        for expected in literal.utf8 {
            guard position < bytes.count else { return false }
            let byte = bytes[position]
            guard byte == expected || (foldingCase && SecretShapes.isLetter(byte) && byte | 0x20 == expected | 0x20) else { return false }
            position += 1
        }
        return true
    }

    /// The end of the run of bytes in `member` from `index`.
    private func run(from index: Int, _ member: (UInt8) -> Bool) -> Int {
        var end = index
        while end < bytes.count, member(bytes[end]) { end += 1 }
        return end
    }

    // MARK: - Shapes

    /// After `-----BEGIN ` or `-----END `: `[A-Z ]*PRIVATE KEY-----`; the index after it.
    private func keyLabel(from index: Int) -> Int? {
        let end = run(from: index) { SecretShapes.isUpper($0) || $0 == 0x20 }
        let label = Array("PRIVATE KEY".utf8)
        guard end - index >= label.count, Array(bytes[(end - label.count)..<end]) == label, has("-----", at: end) else { return nil }
        return end + 5
    }

    private func pemKeys() -> [Found] {
        var found: [Found] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "-"), has("-----BEGIN ", at: index), let body = keyLabel(from: index + 11) else {
                index += 1
                continue
            }
            var end = bytes.count
            var search = body
            while search < bytes.count {
                if bytes[search] == UInt8(ascii: "-"), has("-----END ", at: search), let after = keyLabel(from: search + 9) {
                    end = after
                    break
                }
                search += 1
            }
            found.append(Found(range: index..<end, what: "a PEM private key", kind: "private-key"))
            index = end
        }
        return found
    }

    /// A start inside a token's first part ends where the token does, so the search goes on after that
    /// part: a token found from a later start may reach further.
    private func tokens() -> [Found] {
        var found: [Found] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "e"), boundaryBefore(index), has("eyJ", at: index) else {
                index += 1
                continue
            }
            let header = run(from: index + 3, SecretShapes.isTokenCharacter)
            guard header - (index + 3) >= 5, has(".", at: header) else {
                index = max(header, index + 1)  // a later start in this run meets the same end
                continue
            }
            let payload = run(from: header + 1, SecretShapes.isTokenCharacter)
            if payload - (header + 1) >= 5, has(".", at: payload) {
                let end = run(from: payload + 1, SecretShapes.isTokenCharacter)
                found.append(Found(range: index..<end, what: "a JSON Web Token", kind: "jwt"))
            }
            index = header + 1
        }
        return found
    }

    /// `Basic …` or `Bearer …` (any case); the credential alone.
    private func credentials(scheme: String) -> [Found] {
        let basic = scheme == "basic"
        let first = scheme.utf8.first!  // lower case
        var found: [Found] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] | 0x20 == first, boundaryBefore(index), has(scheme, at: index, foldingCase: true) else {
                index += 1
                continue
            }
            let value = run(from: index + scheme.utf8.count, SecretShapes.isSpace)
            guard value > index + scheme.utf8.count else {
                index += 1
                continue
            }
            let end = run(from: value, basic ? SecretShapes.isBasicCharacter : SecretShapes.isBearerCharacter)
            guard end - value >= 8 else {
                index = value
                continue
            }
            found.append(Found(range: value..<end, what: basic ? "an HTTP Basic credential" : "a bearer token", kind: scheme))
            index = value  // the credential may hold the next `Basic`
        }
        return found
    }

    private func accessKeys() -> [Found] {
        var found: [Found] = []
        var index = 0
        while index + 20 <= bytes.count {
            guard bytes[index] == UInt8(ascii: "A"), boundaryBefore(index), has("AKIA", at: index) || has("ASIA", at: index) else {
                index += 1
                continue
            }
            let end = index + 20
            if bytes[(index + 4)..<end].allSatisfy({ SecretShapes.isUpper($0) || SecretShapes.isDigit($0) }), boundaryAfter(end) {
                found.append(Found(range: index..<end, what: "an AWS-style access key id", kind: "aws-key"))
                index = end
            } else {
                index += 1
            }
        }
        return found
    }

    /// `name=value` and `name: value` (a quote allowed after the name and before the value) whose name
    /// is secret; the value alone. Every `=` and `:` is looked at, also inside another match's value.
    /// Each looks back over the name before it, which no other one looks over, and the values that
    /// start inside one run of value characters all end where it ends, so the walk is linear.
    private func assignments(_ isSecretName: (String) -> Bool) -> [Found] {
        var found: [Found] = []
        var valueRun = 0..<0
        for index in bytes.indices where bytes[index] == UInt8(ascii: "=") || bytes[index] == UInt8(ascii: ":") {
            var nameEnd = index
            while nameEnd > 0, SecretShapes.isSpace(bytes[nameEnd - 1]) { nameEnd -= 1 }
            if nameEnd > 0, bytes[nameEnd - 1] == UInt8(ascii: "\"") { nameEnd -= 1 }
            var nameStart = nameEnd
            while nameStart > 0, SecretShapes.isNameCharacter(bytes[nameStart - 1]) { nameStart -= 1 }
            while nameStart < nameEnd, !SecretShapes.isNameStart(bytes[nameStart]) { nameStart += 1 }
            // Only a secret name's value is read.
            guard nameStart < nameEnd else { continue }
            let name = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self)
            guard isSecretName(name) else { continue }
            var value = run(from: index + 1, SecretShapes.isSpace)
            if value < bytes.count, bytes[value] == UInt8(ascii: "\"") { value += 1 }
            if !valueRun.contains(value) { valueRun = value..<run(from: value, SecretShapes.isValueCharacter) }
            guard valueRun.upperBound > value else { continue }
            found.append(Found(range: value..<valueRun.upperBound, what: "'\(name)=' with a value", kind: name.lowercased()))
        }
        return found
    }

    /// `name="NAME"` of a multipart part's `Content-Disposition` whose NAME is secret: the part's
    /// value, from after the blank line that ends its headers to the line that starts the next part
    /// (`--boundary`), or the text's end. Each part is read once, from its `name="` to its value's end.
    private func formDataParts(_ isSecretName: (String) -> Bool) -> [Found] {
        var found: [Found] = []
        var index = 0
        while index + 6 < bytes.count {
            guard bytes[index] | 0x20 == UInt8(ascii: "n"), has("name=\"", at: index, foldingCase: true),
                index == 0 || !SecretShapes.isWord(bytes[index - 1])
            else {
                index += 1
                continue
            }
            let nameStart = index + 6
            var nameEnd = nameStart
            while nameEnd < bytes.count, bytes[nameEnd] != UInt8(ascii: "\""), bytes[nameEnd] != 0x0A { nameEnd += 1 }
            let name = nameEnd < bytes.count ? String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self) : ""
            guard nameEnd < bytes.count, bytes[nameEnd] == UInt8(ascii: "\""), isSecretName(name) else {
                index = max(nameEnd, index + 1)
                continue
            }
            // The headers end at a blank line, within 1 KiB (which keeps the walk linear); a line that
            // starts a new part (--boundary) means this one has no value.
            var value = nameEnd
            let limit = min(bytes.count, nameEnd + 1024)
            while value + 3 < limit, !(bytes[value] == 0x0D && has("\r\n\r\n", at: value)), !has("\r\n--", at: value) { value += 1 }
            guard value + 3 < limit, has("\r\n\r\n", at: value) else {
                index = value
                continue
            }
            value += 4
            var end = value
            while end < bytes.count, !(bytes[end] == 0x0D && has("\r\n--", at: end)) { end += 1 }
            if end > value { found.append(Found(range: value..<end, what: "multipart field '\(name)' with a value", kind: name.lowercased())) }
            index = max(end, index + 1)
        }
        return found
    }
}

import ContractKit
import Testing

/// The linear scanner behind `SecretNames.secrets(in:)` covers every byte the regular expressions it
/// replaced found, and sometimes more (never less), on texts built to meet its edge cases.
@Suite("secret shapes")
struct SecretShapesTests {
    /// The regular expressions `SecretNames` used before, as the oracle.
    static func oracle(_ text: String) -> [(Range<Int>, String)] {
        let shapes: [(Regex<AnyRegexOutput>, String)] = [
            (try! Regex(#"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)"#), "private-key"),
            (try! Regex(#"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"#), "jwt"),
            (try! Regex(#"(?i)\bbasic\s+([A-Za-z0-9+/=]{8,})"#), "basic"),
            (try! Regex(#"(?i)\bbearer\s+([A-Za-z0-9._~+/=-]{8,})"#), "bearer"),
            (try! Regex(#"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"#), "aws-key"),
        ]
        let assignment = try! Regex(#"([A-Za-z_][A-Za-z0-9_.\-\[\]]*)"?\s*[=:]\s*"?([^&\s"',;}]+)"#)
        var matches: [(Range<String.Index>, String)] = []
        for (shape, kind) in shapes {
            for found in text.matches(of: shape) {
                let range = found.output.count > 1 ? found.output[1].range ?? found.range : found.range
                guard !text[range].hasPrefix("REDACTED-"), !matches.contains(where: { $0.0.overlaps(range) }) else { continue }
                matches.append((range, kind))
            }
        }
        for found in text.matches(of: assignment) {
            guard let name = found.output[1].substring, SecretNames.contains(String(name)), let value = found.output[2].range else { continue }
            if text[value].hasPrefix("REDACTED-") || matches.contains(where: { $0.0.overlaps(value) }) { continue }
            matches.append((value, name.lowercased()))
        }
        func offset(_ index: String.Index) -> Int { text.utf8.distance(from: text.utf8.startIndex, to: index) }
        return matches.map { (offset($0.0.lowerBound)..<offset($0.0.upperBound), $0.1) }.sorted { $0.0.lowerBound < $1.0.lowerBound }
    }

    static func scanned(_ text: String) -> [(Range<Int>, String)] {
        SecretNames.secrets(in: text).map {
            (
                text.utf8.distance(
                    from: text.utf8.startIndex, to: $0.range.lowerBound)..<text.utf8.distance(from: text.utf8.startIndex, to: $0.range.upperBound),
                $0.kind
            )
        }
    }

    static let fragments = [
        "password", "sip_password", "user", "=", ":", " ", "\"", "eyJ", "hbGciO", "abcde", ".", "Basic ", "bearer ", "AKIA",
        "ABCDEFGHIJKLMNOP", "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----", "&", ",", "x", "9", "_", "-", "é",
        "\n", "token", "REDACTED-", "ZZ12", "<cdr uuid=\"", "\">", "}", "'", "[", "]",
    ]

    @Test func coversEveryByteTheRegularExpressionsFound() {
        var generator = SplitMix64(seed: 0x5EC12E7)
        for round in 0..<3000 {
            let length = Int(generator.next() % 40) + 1
            let text = (0..<length).map { _ in Self.fragments[Int(generator.next() % UInt64(Self.fragments.count))] }.joined()
            let scanned = Self.scanned(text)
            let covered = Set(scanned.flatMap(\.0))
            let missed = Self.oracle(text).filter { !$0.0.allSatisfy(covered.contains) }
            #expect(missed.isEmpty, "round \(round): \(missed) missed in \(text.debugDescription); found \(scanned)")
            #expect(zip(scanned, scanned.dropFirst()).allSatisfy { $0.0.upperBound <= $1.0.lowerBound }, "sorted, without overlaps")
        }
    }

    @Test func aValueThatIsNotSecretDoesNotHideOneThatIs() {
        let text = "a=password=hunter22&sip_password: \"s3cr3t\""
        #expect(Self.scanned(text).map { String(text.utf8.dropFirst($0.0.lowerBound).prefix($0.0.count))! } == ["hunter22", "s3cr3t"])
    }

    @Test(
        "each shape stops where its pattern does",
        arguments: [
            ("sent Basic dXNlcjpwYXNz", ["dXNlcjpwYXNz"]),
            ("Authorization: Basic dXNlcjpwYXNz", ["Basic", "dXNlcjpwYXNz"]),
            ("Bearer short", []),
            ("eyJhbGciOi.eyJzdWIiOi.sig and eyJ-eyJ-eyJ", ["eyJhbGciOi.eyJzdWIiOi.sig"]),
            ("AKIAABCDEFGHIJKLMNOP AKIAABCDEFGHIJKLMNOPQ", ["AKIAABCDEFGHIJKLMNOP"]),
            (
                "-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY----- after",
                ["-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----"]
            ),
            ("-----BEGIN PRIVATE KEY-----\ncut off", ["-----BEGIN PRIVATE KEY-----\ncut off"]),
            ("password=REDACTED-password-1&token=abc", ["abc"]),
            ("pwd=abc", ["abc"]),
            (
                "--b\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\nadmin\r\n--b\r\nContent-Disposition: form-data; name=\"sip_password\"\r\n\r\nhunter2-plain\r\n--b--",
                ["hunter2-plain"]
            ),
            // A value of more than one line, up to the next part.
            ("--b\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\nline one\r\nline two\r\n--b--", ["line one\r\nline two"]),
        ])
    func shapes(text: String, expected: [String]) {
        #expect(Self.scanned(text).map { String(text.utf8.dropFirst($0.0.lowerBound).prefix($0.0.count))! } == expected)
    }

    /// Texts on which a backtracking pattern, or a scan that reads each value again from every `=` in
    /// it, takes quadratic time; a quadratic scan of a megabyte would not end within the run's bound.
    @Test func longRunsAreScannedOnce() {
        let letters = String(repeating: "a", count: 1 << 20)
        #expect(SecretNames.secrets(in: letters).isEmpty)
        #expect(SecretNames.secrets(in: String(repeating: "a=", count: 1 << 19)).isEmpty)
        #expect(SecretNames.secrets(in: String(repeating: "eyJ-", count: 1 << 18)).isEmpty)
        #expect(SecretNames.secrets(in: String(repeating: "password=", count: 1 << 17) + "x").count == 1, "the values inside one another, joined")
        #expect(SecretNames.secrets(in: "-----BEGIN RSA PRIVATE KEY-----" + String(repeating: "-----END ", count: 1 << 17)).count == 1)
        #expect(SecretNames.secrets(in: String(repeating: "token=x&", count: 1 << 17)).count == 1 << 17)
        #expect(SecretNames.secrets(in: String(repeating: "name=\"password\" ", count: 1 << 16)).isEmpty)
    }
}

/// A small seeded generator, so a failing round can be run again.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// What counts as a secret, by the shape of its name and of its value: never shown in a report or a
/// violation, redacted before a recording reaches disk, and flagged by `recording scan`, all by these
/// same rules.
///
/// A **name** is secret when one of its words (split at `_`, `-`, `.`, `[`, spaces and camelCase
/// humps, in any case; `password[]` and `auth[token]` too) is one of the secret words: pass…
/// (password, passwd, passphrase), pwd, secret, token, key, hash, auth, authorization, credential(s),
/// cookie, session, pin, signature, otp, or a compound such as apikey or accesshash.
///
/// A **value** is secret wherever it stands when it has a credential's shape: a JWT, an HTTP
/// `Basic`/`Bearer` credential, an AWS-style access key id, a PEM private key, or `name=value` with a
/// secret name inside text.
public enum SecretNames {
    /// Words that make a name secret on their own.
    static let words: Set<String> = [
        "pwd", "secret", "secrets", "token", "tokens", "key", "keys", "hash", "auth", "authorization", "credential",
        "credentials", "cookie", "cookies", "session", "sessid", "phpsessid", "pin", "signature", "sig", "otp", "csrf", "xsrf",
        "apikey", "accesskey", "secretkey", "privatekey", "authkey", "accesshash", "authtoken", "sessionid",
    ]

    /// Whether `name` (a field, header, query parameter or JSON member) names a secret.
    public static func contains(_ name: String) -> Bool {
        words(of: name).contains { word in
            SecretNames.words.contains(word) || (word.hasPrefix("pass") && !word.hasPrefix("passthrough"))
        }
    }

    /// The lower-cased words of a name: `X-Auth-Token` → x, auth, token; `sipPassword` → sip, password;
    /// `password[]` → password.
    static func words(of name: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousWasLower = false
        for character in name {
            if character.isLetter || character.isNumber {
                if character.isUppercase, previousWasLower, !current.isEmpty {
                    words.append(current)
                    current = ""
                }
                current.append(Character(character.lowercased()))
                previousWasLower = character.isLowercase || character.isNumber
            } else {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousWasLower = false
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// A credential-shaped part of a text, and what it is.
    public struct Match: Sendable, Hashable {
        /// The secret itself, to be replaced (for `name=value`, the value alone).
        public var range: Range<String.Index>
        /// What it is, for a message: "a JSON Web Token".
        public var what: String
        /// A short name for a placeholder: `jwt`, `bearer`, or the name of `name=value`.
        public var kind: String
    }

    // Regex values are immutable once built; matching does not mutate them.
    nonisolated(unsafe) private static let shapes: [(Regex<AnyRegexOutput>, String, String)] = [
        (try! Regex(#"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)"#), "a PEM private key", "private-key"),
        (try! Regex(#"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"#), "a JSON Web Token", "jwt"),
        (try! Regex(#"(?i)\bbasic\s+([A-Za-z0-9+/=]{8,})"#), "an HTTP Basic credential", "basic"),
        (try! Regex(#"(?i)\bbearer\s+([A-Za-z0-9._~+/=-]{8,})"#), "a bearer token", "bearer"),
        (try! Regex(#"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"#), "an AWS-style access key id", "aws-key"),
    ]
    nonisolated(unsafe) private static let assignment = try! Regex(#"([A-Za-z_][A-Za-z0-9_.\-\[\]]*)"?\s*[=:]\s*"?([^&\s"',;}]+)"#)

    /// `text` with each credential-shaped part replaced by what `replacement` gives for it.
    public static func replacingSecrets(
        in text: String, placeholderPrefix: String = "REDACTED-", by replacement: (Match, Substring) -> String
    ) -> String {
        let matches = secrets(in: text, placeholderPrefix: placeholderPrefix)
        guard !matches.isEmpty else { return text }
        var result = ""
        var position = text.startIndex
        for match in matches where match.range.lowerBound >= position {
            result += text[position..<match.range.lowerBound]
            result += replacement(match, text[match.range])
            position = match.range.upperBound
        }
        return result + text[position...]
    }

    /// `value` as a report or the journal may show it: `[redacted]` under a secret name, and every
    /// credential-shaped part masked otherwise.
    public static func shown(_ value: String, name: String) -> String {
        contains(name) ? "[redacted]" : replacingSecrets(in: value) { _, _ in "[redacted]" }
    }

    /// The credential-shaped parts of `text`, placeholders (`REDACTED-…`) left out.
    public static func secrets(in text: String, placeholderPrefix: String = "REDACTED-") -> [Match] {
        guard text.count >= 8 else { return [] }
        var matches: [Match] = []
        for (shape, what, kind) in shapes {
            for found in text.matches(of: shape) {
                // The secret is the first group where the shape has one (a Bearer token without "Bearer ").
                let range = found.output.count > 1 ? found.output[1].range ?? found.range : found.range
                guard !text[range].hasPrefix(placeholderPrefix), !matches.contains(where: { $0.range.overlaps(range) }) else { continue }
                matches.append(Match(range: range, what: what, kind: kind))
            }
        }
        for found in text.matches(of: assignment) {
            guard let name = found.output[1].substring, contains(String(name)), let value = found.output[2].range else { continue }
            if text[value].hasPrefix(placeholderPrefix) || matches.contains(where: { $0.range.overlaps(value) }) { continue }
            matches.append(Match(range: value, what: "'\(name)=' with a value", kind: name.lowercased()))
        }
        return matches.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }
}

import Synchronization

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

    /// Names already decided; the same few member names come back for every record of an export.
    private static let decided = Mutex<[String: Bool]>([:])

    /// Whether `name` (a field, header, query parameter or JSON member) names a secret.
    public static func contains(_ name: String) -> Bool {
        if let known = decided.withLock({ $0[name] }) { return known }
        let secret = words(of: name).contains { word in
            SecretNames.words.contains(word) || (word.hasPrefix("pass") && !word.hasPrefix("passthrough"))
        }
        decided.withLock { if $0.count < 4096 { $0[name] = secret } }  // bounded: names come from whoever sends them
        return secret
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

    /// The credential-shaped parts of `text`, placeholders (`REDACTED-…`) left out, overlapping parts
    /// joined; in time linear in the text (`SecretShapes`).
    public static func secrets(in text: String, placeholderPrefix: String = "REDACTED-") -> [Match] {
        let utf8 = text.utf8
        let found =
            utf8.withContiguousStorageIfAvailable { SecretShapes($0).all(placeholderPrefix: placeholderPrefix, isSecretName: contains) }
            ?? Array(utf8).withUnsafeBufferPointer { SecretShapes($0).all(placeholderPrefix: placeholderPrefix, isSecretName: contains) }
        return found.map { match in
            let lower = utf8.index(utf8.startIndex, offsetBy: match.range.lowerBound)
            return Match(range: lower..<utf8.index(lower, offsetBy: match.range.count), what: match.what, kind: match.kind)
        }
    }
}

/// The form fields, JSON members and headers whose values are secrets: never shown in a report or a
/// violation, and redacted before a recording reaches disk. Compared in lower case.
public enum SecretNames {
    public static let all: Set<String> = [
        "password", "key", "api_key", "apikey", "access_hash", "accesshash", "gateway_password", "extension_password",
        "secret", "token", "api_token", "session", "session_id", "phpsessid", "csrf", "csrf_token", "authorization",
        "proxy-authorization", "cookie", "set-cookie", "x-api-key",
    ]

    /// Whether `name` (any case) names a secret.
    public static func contains(_ name: String) -> Bool { all.contains(name.lowercased()) }
}

import Foundation

/// How long a server asks a client to wait before trying again, read from `Retry-After` (seconds or
/// an HTTP date, RFC 9110 §10.2.3) or, failing that, `X-RateLimit-Reset` (a Unix time, or seconds
/// when the value is small).
struct RateLimitWait {
    var duration: Duration
    /// The header and value it came from, for the report: `Retry-After: 12`.
    var reason: String

    /// The longest wait a header is believed for: beyond it the value is a mistake, not a limit.
    static let ceiling: Duration = .seconds(86_400)

    init?(headers: [String: String], now: Date) {
        if let value = headers["retry-after"]?.trimmingCharacters(in: .whitespaces) {
            if let seconds = Int(value), seconds >= 0 {
                self.init(seconds: Double(seconds), reason: "Retry-After: \(value)")
                return
            }
            if let date = RateLimitWait.httpDate(value) {
                self.init(seconds: max(0, date.timeIntervalSince(now)), reason: "Retry-After: \(value)")
                return
            }
        }
        if let value = headers["x-ratelimit-reset"]?.trimmingCharacters(in: .whitespaces), let number = Double(value), number.isFinite, number >= 0 {
            // Servers differ: GitHub and fakepbx send a Unix time, others the seconds left.
            let seconds = number > 1_000_000_000 ? max(0, number - now.timeIntervalSince1970) : number
            self.init(seconds: seconds, reason: "X-RateLimit-Reset: \(value)")
            return
        }
        return nil
    }

    private init?(seconds: Double, reason: String) {
        // Checked before converting: a hostile `Retry-After: 99999999999999999999` must not trap.
        guard seconds.isFinite, seconds >= 0, seconds <= Double(RateLimitWait.ceiling.components.seconds) else { return nil }
        let duration = Duration.milliseconds(Int64((seconds * 1000).rounded(.up)))
        self.duration = duration
        self.reason = reason
    }

    private static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text)
    }

    /// `12 s`, `1.5 s`.
    static func text(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let value = Double(seconds) + Double(attoseconds) / 1e18
        return value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
    }
}

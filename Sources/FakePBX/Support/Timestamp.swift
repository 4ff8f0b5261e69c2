import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Timestamp formats the real server writes, produced without Foundation formatters (they are on hot paths).
enum Timestamp {
    /// The last ISO 8601 text made: every answer's envelope carries the current second.
    private static let lastISO8601 = Mutex<(epoch: Int, text: String)>((.min, ""))

    private static func components(_ epoch: Int) -> tm {
        var time = time_t(epoch)
        var parts = tm()
        gmtime_r(&time, &parts)
        return parts
    }

    private static func pad(_ value: Int32, _ width: Int = 2) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// `2024-01-15T10:30:00Z`, as in the ictVoIP documentation's envelopes.
    static func iso8601(_ epoch: Int) -> String {
        if let cached = lastISO8601.withLock({ $0.epoch == epoch ? $0.text : nil }) { return cached }
        let text = formatISO8601(epoch)
        lastISO8601.withLock { $0 = (epoch, text) }
        return text
    }

    private static func formatISO8601(_ epoch: Int) -> String {
        let t = components(epoch)
        return "\(pad(t.tm_year + 1900, 4))-\(pad(t.tm_mon + 1))-\(pad(t.tm_mday))T\(pad(t.tm_hour)):\(pad(t.tm_min)):\(pad(t.tm_sec))Z"
    }

    /// `2025-08-21 14:03:07+00`, as PostgreSQL returns a `timestamptz` to FusionPBX.
    static func postgres(_ epoch: Int) -> String {
        let t = components(epoch)
        return "\(pad(t.tm_year + 1900, 4))-\(pad(t.tm_mon + 1))-\(pad(t.tm_mday)) \(pad(t.tm_hour)):\(pad(t.tm_min)):\(pad(t.tm_sec))+00"
    }

    /// `2025-08-21`: the calendar day of `epoch` at `offset` seconds from UTC.
    static func day(_ epoch: Int, offset: Int = 0) -> String {
        let t = components(epoch + offset)
        return "\(pad(t.tm_year + 1900, 4))-\(pad(t.tm_mon + 1))-\(pad(t.tm_mday))"
    }

    /// Seconds since the epoch for a UTC `YYYY-MM-DD` or `YYYY-MM-DD HH:MM[:SS]`; `nil` if not such a date.
    static func parseDay(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int32? {
            guard range.upperBound <= bytes.count else { return nil }
            var value: Int32 = 0
            for b in bytes[range] {
                guard b >= 48 && b <= 57 else { return nil }
                value = value * 10 + Int32(b - 48)
            }
            return value
        }
        guard bytes.count == 10 || bytes.count == 16 || bytes.count == 19,
            bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        if bytes.count >= 16 {
            guard bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
                let hour = number(11..<13), let minute = number(14..<16), hour < 24, minute < 60
            else { return nil }
            parts.tm_hour = hour
            parts.tm_min = minute
            if bytes.count == 19 {
                guard bytes[16] == UInt8(ascii: ":"), let second = number(17..<19), second < 60 else { return nil }
                parts.tm_sec = second
            }
        }
        let epoch = Int(timegm(&parts))
        // timegm normalises 2024-02-31 to March; a real date must round-trip.
        guard day == components(epoch).tm_mday else { return nil }
        return epoch
    }

    /// Seconds since the epoch for `YYYY-MM-DDTHH:MM:SS` in UTC (`Z`) or at an RFC 3339 offset
    /// (`+01:00`, as PHP's `DateTimeInterface::ATOM` writes it), or any form ``parseDay(_:)`` reads.
    static func parseISO8601(_ text: String) -> Double? {
        var text = Substring(text)
        var offset = 0
        if text.hasSuffix("Z") {
            text.removeLast()
        } else if text.count > 6, text.contains("T") {
            let zone = text.suffix(6)
            let digits = zone.dropFirst()
            if let sign = zone.first, sign == "+" || sign == "-", digits.count == 5, digits.dropFirst(2).first == ":",
                let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)), hours < 24, minutes < 60
            {
                offset = (sign == "+" ? 1 : -1) * (hours * 3600 + minutes * 60)
                text.removeLast(6)
            }
        }
        return parseDay(String(text)).map { Double($0 - offset) }
    }
}

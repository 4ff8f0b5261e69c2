/// A growable byte buffer written through a raw pointer.
///
/// An export row is about a hundred small writes; through `[UInt8]` each paid a uniqueness and a
/// capacity check, a fifth of an export's time. One sink is owned by one renderer at a time.
final class ByteSink {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written, copied out.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Makes room for `extra` more bytes.
    @inline(__always) func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Appends after ``reserve(_:)`` has made room.
    @inline(__always) func appendUnchecked(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    @inline(__always) func appendUnchecked(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    @inline(__always) func append(_ byte: UInt8) {
        reserve(1)
        appendUnchecked(byte)
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count)
        appendUnchecked(bytes)
    }

    func append(_ bytes: some Collection<UInt8>) {
        reserve(bytes.count)
        for byte in bytes { appendUnchecked(byte) }
    }

    func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    func append(_ text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// `value` in decimal.
    func append(_ value: Int) {
        reserve(20)
        if value < 0 {
            if value == .min {
                append(String(value))
                return
            }
            appendUnchecked(UInt8(ascii: "-"))
            append(-value)
            return
        }
        if value < 10 {
            appendUnchecked(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits = 0
        var n = value
        while n > 0 {
            digits += 1
            n /= 10
        }
        n = value
        for i in stride(from: digits - 1, through: 0, by: -1) {
            base[count + i] = UInt8(ascii: "0") + UInt8(n % 10)
            n /= 10
        }
        count += digits
    }
}

/// Stamps, dates and escaped text written into a ``ByteSink`` without intermediate strings.
enum ByteText {
    /// Year, month, day of a day number (days since 1970-01-01), by Howard Hinnant's civil_from_days.
    static func civil(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `a / b` rounded down (Swift's `/` rounds toward zero), for day numbers before 1970.
    static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : (a - b + 1) / b }

    @inline(__always) private static func two(_ value: Int, _ sink: ByteSink) {
        sink.appendUnchecked(UInt8(ascii: "0") + UInt8(value / 10))
        sink.appendUnchecked(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// `2025-08-21 14:03:07+00`, as PostgreSQL returns a `timestamptz`; in double quotes if `quoted`.
    static func postgres(_ epoch: Int, into sink: ByteSink, quoted: Bool) {
        let days = floorDiv(epoch, 86_400)
        let seconds = epoch - days * 86_400
        let date = civil(days)
        guard (0...9999).contains(date.year) else {
            sink.append((quoted ? "\"" : "") + Timestamp.postgres(epoch) + (quoted ? "\"" : ""))
            return
        }
        sink.reserve(24)
        if quoted { sink.appendUnchecked(UInt8(ascii: "\"")) }
        two(date.year / 100, sink)
        two(date.year % 100, sink)
        sink.appendUnchecked(UInt8(ascii: "-"))
        two(date.month, sink)
        sink.appendUnchecked(UInt8(ascii: "-"))
        two(date.day, sink)
        sink.appendUnchecked(UInt8(ascii: " "))
        two(seconds / 3600, sink)
        sink.appendUnchecked(UInt8(ascii: ":"))
        two(seconds / 60 % 60, sink)
        sink.appendUnchecked(UInt8(ascii: ":"))
        two(seconds % 60, sink)
        sink.appendUnchecked(UInt8(ascii: "+"))
        sink.appendUnchecked(UInt8(ascii: "0"))
        sink.appendUnchecked(UInt8(ascii: "0"))
        if quoted { sink.appendUnchecked(UInt8(ascii: "\"")) }
    }

    /// `21 Aug 2025` of local seconds: FusionPBX's `DD Mon YYYY`.
    static func formattedDate(_ local: Int, into sink: ByteSink) {
        let date = civil(floorDiv(local, 86_400))
        sink.reserve(2)
        two(date.day, sink)
        sink.append(UInt8(ascii: " "))
        sink.append(months[date.month - 1])
        sink.append(UInt8(ascii: " "))
        sink.append(date.year)
    }

    /// `02:03 pm` of local seconds: PostgreSQL's `to_char(..., 'HH12:MI am')`, FusionPBX's default
    /// (the `domain/time_format` setting ships off).
    static func hourMinute12(_ local: Int, into sink: ByteSink) {
        let seconds = local - floorDiv(local, 86_400) * 86_400
        let hour = seconds / 3600
        sink.reserve(8)
        two(hour % 12 == 0 ? 12 : hour % 12, sink)
        sink.appendUnchecked(UInt8(ascii: ":"))
        two(seconds / 60 % 60, sink)
        sink.appendUnchecked(UInt8(ascii: " "))
        sink.appendUnchecked(UInt8(ascii: hour < 12 ? "a" : "p"))
        sink.appendUnchecked(UInt8(ascii: "m"))
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `value` as a JSON string, or a part of one when `open`/`close` leave out a quote.
    static func jsonString(_ value: String, into sink: ByteSink, open: Bool = true, close: Bool = true) {
        var value = value
        value.withUTF8 { utf8 in
            sink.reserve(utf8.count + 2)
            if open { sink.appendUnchecked(UInt8(ascii: "\"")) }
            // Almost every value needs no escaping: copy it whole.
            if !needsJSONEscape(UnsafeRawBufferPointer(utf8)) {
                sink.appendUnchecked(UnsafeRawBufferPointer(utf8))
            } else {
                for byte in utf8 {
                    switch byte {
                    case UInt8(ascii: "\""): sink.append("\\\"" as StaticString)
                    case UInt8(ascii: "\\"): sink.append("\\\\" as StaticString)
                    case 0..<0x20:
                        sink.append("\\u00" as StaticString)
                        sink.append(hex[Int(byte >> 4)])
                        sink.append(hex[Int(byte & 0xF)])
                    default: sink.append(byte)
                    }
                }
                sink.reserve(1)
            }
            if close { sink.appendUnchecked(UInt8(ascii: "\"")) }
        }
    }

    /// Whether `bytes` holds a control character, `"` or `\`; eight bytes at a time (SWAR), since
    /// every string of every exported row is scanned.
    static func needsJSONEscape(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZero(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
        var i = 0
        while i + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            // A byte below 0x20, or equal to 0x22 or 0x5C (x ^ c has a zero byte where x == c).
            if (word &- ones &* 0x20) & ~word & highs != 0 || hasZero(word ^ (ones &* 0x22)) || hasZero(word ^ (ones &* 0x5C)) {
                return true
            }
            i += 8
        }
        while i < bytes.count {
            let byte = bytes[i]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C { return true }
            i += 1
        }
        return false
    }

    /// XML text: markup characters escaped; control characters XML 1.0 forbids become U+FFFD.
    static func xmlEscaped(_ value: String, into sink: ByteSink) {
        var value = value
        value.withUTF8 { utf8 in
            if !utf8.contains(where: {
                $0 < 0x20 || $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "\"")
                    || $0 == UInt8(ascii: "'")
            }) {
                sink.append(UnsafeRawBufferPointer(utf8))
                return
            }
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "&"): sink.append("&amp;" as StaticString)
                case UInt8(ascii: "<"): sink.append("&lt;" as StaticString)
                case UInt8(ascii: ">"): sink.append("&gt;" as StaticString)
                case UInt8(ascii: "\""): sink.append("&quot;" as StaticString)
                case UInt8(ascii: "'"): sink.append("&apos;" as StaticString)
                case 0x09, 0x0A, 0x0D: sink.append(byte)
                case 0..<0x20: sink.append("\u{FFFD}" as StaticString)
                default: sink.append(byte)
                }
            }
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)
}

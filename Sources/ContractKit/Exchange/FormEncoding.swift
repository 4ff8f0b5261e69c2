/// `application/x-www-form-urlencoded`, as PHP reads and curl writes it.
public enum FormEncoding {
    /// Decodes `a=1&b=x+y`; a repeated name keeps its last value, as PHP's `$_POST` does.
    public static func decode(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = unescape(parts[0])
            guard !name.isEmpty else { continue }
            fields[name] = parts.count > 1 ? unescape(parts[1]) : ""
        }
        return fields
    }

    /// Encodes fields in the given order.
    public static func encode(_ fields: [(String, String)]) -> String {
        fields.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    /// Decodes one name or value strictly: `nil` for a `%` not followed by two hex digits, or bytes
    /// that are not UTF-8. Works on bytes (no Foundation), which matters on the request path.
    public static func unescapeStrictly(_ text: Substring) -> String? {
        unescapedBytes(text, strict: true).flatMap { String(validating: $0, as: UTF8.self) }
    }

    /// Decodes one name or value leniently: a stray `%` stays as it is, bad UTF-8 is repaired.
    static func unescape(_ text: Substring) -> String {
        String(decoding: unescapedBytes(text, strict: false) ?? [], as: UTF8.self)
    }

    /// `+` as space and `%XX` escapes; a malformed escape is `nil` when `strict`, kept literally otherwise.
    static func unescapedBytes(_ text: Substring, strict: Bool) -> [UInt8]? {
        unescapedBytes(text.utf8, strict: strict)
    }

    static func unescapedBytes(_ text: some Collection<UInt8>, strict: Bool) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count)
        var iterator = text.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                if let high = iterator.next(), let low = iterator.next(), let h = hex(high), let l = hex(low) {
                    bytes.append(h << 4 | l)
                } else if strict {
                    return nil
                } else {
                    bytes.append(byte)
                }
            default:
                bytes.append(byte)
            }
        }
        return bytes
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                out += "+"
            default:
                let digits = Array("0123456789ABCDEF".utf8)
                out += "%"
                out.unicodeScalars.append(Unicode.Scalar(digits[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(digits[Int(byte & 0xF)]))
            }
        }
        return out
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

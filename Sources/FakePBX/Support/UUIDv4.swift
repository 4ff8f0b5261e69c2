/// Version 4 UUIDs in FusionPBX's form: lower-case, hyphenated.
public enum UUIDv4 {
    /// A random UUID.
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return make(using: &generator)
    }

    /// A UUID derived from `text`: stable across runs, so a dataset without UUIDs keeps them on reload.
    public static func derived(from text: String) -> String {
        var generator = SeededGenerator(text: text)
        return make(using: &generator)
    }

    /// A UUID drawn from `generator`.
    public static func make(using generator: inout some RandomNumberGenerator) -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Whether `text` is a lower- or upper-case version 4 UUID with the RFC 4122 variant.
    public static func isValid(_ text: String) -> Bool {
        let chars = Array(text.utf8)
        guard chars.count == 36 else { return false }
        for (index, c) in chars.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard c == UInt8(ascii: "-") else { return false }
            } else {
                let isHex = (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)
                guard isHex else { return false }
            }
        }
        let variant = Character(UnicodeScalar(chars[19])).lowercased()
        return chars[14] == UInt8(ascii: "4") && ["8", "9", "a", "b"].contains(variant)
    }
}

/// SIP passwords as FusionPBX generates them (20 characters by default).
public enum ExtensionPassword {
    private static let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")

    public static func random(length: Int = 20) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(length: length, using: &generator)
    }

    public static func derived(from text: String, length: Int = 20) -> String {
        var generator = SeededGenerator(text: "password:" + text)
        return make(length: length, using: &generator)
    }

    static func make(length: Int, using generator: inout some RandomNumberGenerator) -> String {
        String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

/// A JSON number kept as its literal text, so `19.99` stays exactly `19.99` and `1e400` is not an error.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number as it appears in a JSON document.
    public let literal: String
    /// The value when the literal is a plain integer that fits in `Int` (the common case), so
    /// comparisons need not parse the literal again.
    let exactInt: Int?

    /// Creates a number from JSON number text. Returns `nil` when `literal` is not valid JSON number syntax.
    public init?(literal: String) {
        guard JSONNumber.isValidLiteral(literal.utf8) else { return nil }
        self.literal = literal
        self.exactInt = Int(literal)
    }

    /// Creates a number from an integer.
    public init(_ value: Int) {
        self.literal = String(value)
        self.exactInt = value
    }

    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool { lhs.literal == rhs.literal }
    public func hash(into hasher: inout Hasher) { hasher.combine(literal) }

    /// Creates a number from a double. Non-finite values have no JSON form and are written as `0`.
    public init(_ value: Double) {
        let text: String
        if !value.isFinite {
            text = "0"
        } else if value == value.rounded(), abs(value) < 1e15 {
            text = String(Int(value))
        } else {
            text = "\(value)"
        }
        self.literal = text
        self.exactInt = Int(text)
    }

    public var description: String { literal }

    /// The value as an `Int` when the literal is an integer that fits.
    public var intValue: Int? { exactInt ?? Int(literal) }

    /// The value as a `Double` (nearest representable).
    public var doubleValue: Double { Double(literal) ?? .nan }

    static func isValidLiteral(_ bytes: String.UTF8View) -> Bool {
        var it = Array(bytes)[...]
        if it.first == UInt8(ascii: "-") { it = it.dropFirst() }
        guard let first = it.first, isDigit(first) else { return false }
        if first == UInt8(ascii: "0") {
            it = it.dropFirst()
        } else {
            it = it.drop(while: isDigit)
        }
        if it.first == UInt8(ascii: ".") {
            it = it.dropFirst()
            guard let d = it.first, isDigit(d) else { return false }
            it = it.drop(while: isDigit)
        }
        if let e = it.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            it = it.dropFirst()
            if let s = it.first, s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { it = it.dropFirst() }
            guard let d = it.first, isDigit(d) else { return false }
            it = it.drop(while: isDigit)
        }
        return it.isEmpty
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}

/// A string compared as JSON compares member names and strings: by code points (RFC 8259 §8.3).
///
/// Swift's `String ==` and hashing use Unicode canonical equivalence, under which `"é"` and
/// `"e\u{301}"` are equal; in JSON they are two different names. Use this type wherever names are
/// looked up, deduplicated or compared.
public struct JSONKey: Hashable, Sendable, CustomStringConvertible {
    /// The name itself.
    public let string: String

    public init(_ string: String) { self.string = string }

    public static func == (lhs: JSONKey, rhs: JSONKey) -> Bool { lhs.string.hasSameCodePoints(as: rhs.string) }

    public func hash(into hasher: inout Hasher) {
        var copy = string
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    public var description: String { string }
}

extension String {
    /// Whether the two strings have the same Unicode scalars, unlike `==`, which compares by
    /// canonical equivalence.
    @inlinable
    public func hasSameCodePoints(as other: String) -> Bool {
        utf8.count == other.utf8.count && utf8.elementsEqual(other.utf8)
    }
}

import BigInt

/// Exact decimal arithmetic on number literals, so `1.0 == 1`, `19.99` is a multiple of `0.01` and
/// `1e400` compares correctly, without going through `Double`.
extension JSONNumber {
    /// A literal normalised to `sign × digits × 10^exponent` with no leading or trailing zeros in `digits`.
    struct Decimal: Hashable {
        var negative: Bool
        /// Significant digits as ASCII values; empty for zero.
        var digits: [UInt8]
        var exponent: Int

        var isZero: Bool { digits.isEmpty }
        /// The significant digits as text, for arbitrary-precision arithmetic.
        var digitText: String { String(decoding: digits, as: UTF8.self) }
        /// Position of the most significant digit: the number's magnitude order.
        var magnitude: Int { digits.count + exponent }
    }

    var decimal: Decimal {
        var bytes = Array(literal.utf8)[...]
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes = bytes.dropFirst() }
        var digits: [UInt8] = []
        var exponent = 0
        var afterPoint = false
        while let b = bytes.first, b != UInt8(ascii: "e"), b != UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if b == UInt8(ascii: ".") {
                afterPoint = true
                continue
            }
            digits.append(b)
            if afterPoint { exponent -= 1 }
        }
        if !bytes.isEmpty {
            bytes = bytes.dropFirst()
            let text = String(decoding: bytes, as: UTF8.self)
            // Exponents beyond Int range are clamped; such numbers are far outside any schema bound.
            exponent += Int(text) ?? (text.hasPrefix("-") ? -Int(Int32.max) : Int(Int32.max))
        }
        while let first = digits.first, first == UInt8(ascii: "0") { digits.removeFirst() }
        while let last = digits.last, last == UInt8(ascii: "0") {
            digits.removeLast()
            exponent += 1
        }
        return Decimal(negative: negative && !digits.isEmpty, digits: digits, exponent: digits.isEmpty ? 0 : exponent)
    }

    /// Whether the value is a whole number (`1.0` and `1e2` are).
    public var isInteger: Bool { exactInt != nil || decimal.exponent >= 0 }

    /// Exact numeric equality.
    public func isNumericallyEqual(to other: JSONNumber) -> Bool {
        if let a = exactInt, let b = other.exactInt { return a == b }
        return decimal == other.decimal
    }

    /// Exact ordering: negative, zero or positive as `self` is less than, equal to or greater than `other`.
    public func compare(to other: JSONNumber) -> Int {
        if let x = exactInt, let y = other.exactInt { return x < y ? -1 : (x > y ? 1 : 0) }
        let a = decimal
        let b = other.decimal
        if a == b { return 0 }
        if a.negative != b.negative { return a.negative ? -1 : 1 }
        let sign = a.negative ? -1 : 1
        if a.isZero { return b.isZero ? 0 : -1 * (b.negative ? -1 : 1) }
        if b.isZero { return sign }
        if a.magnitude != b.magnitude { return a.magnitude < b.magnitude ? -sign : sign }
        let length = max(a.digits.count, b.digits.count)
        for i in 0..<length {
            let x = i < a.digits.count ? a.digits[i] : UInt8(ascii: "0")
            let y = i < b.digits.count ? b.digits[i] : UInt8(ascii: "0")
            if x != y { return x < y ? -sign : sign }
        }
        return 0
    }

    /// Whether `self` divided by `divisor` is a whole number, computed exactly. `divisor` must be > 0.
    public func isMultiple(of divisor: JSONNumber) -> Bool {
        if let x = exactInt, let m = divisor.exactInt, m > 0 { return x % m == 0 }
        let x = decimal
        let m = divisor.decimal
        if x.isZero { return true }
        if m.isZero { return false }
        // x = X·10^ex, m = M·10^em. x/m is whole iff X·10^(ex−em) ≡ 0 (mod M) when ex ≥ em,
        // or X ≡ 0 (mod M·10^(em−ex)) otherwise. Exact for any number of digits and any exponent.
        let dividend = BigUInt(x.digitText)!
        let divisorDigits = BigUInt(m.digitText)!
        let shift = x.exponent - m.exponent
        if shift >= 0 {
            let scale = BigUInt(10).power(BigUInt(shift), modulus: divisorDigits)
            return (dividend % divisorDigits) * scale % divisorDigits == 0
        }
        // X is non-zero, so it cannot be a multiple of a modulus with more digits than it has.
        if x.digits.count < m.digits.count - shift { return false }
        return dividend % (divisorDigits * BigUInt(10).power(-shift)) == 0
    }
}

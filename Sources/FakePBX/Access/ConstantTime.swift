/// Compares two secrets in time that depends only on the length of `expected`, never on where they differ.
func constantTimeEquals(_ presented: some StringProtocol, _ expected: some StringProtocol) -> Bool {
    let a = Array(presented.utf8)
    let b = Array(expected.utf8)
    var difference = UInt8(truncatingIfNeeded: a.count ^ b.count) | UInt8(a.count == b.count ? 0 : 1)
    for index in 0..<b.count {
        let left = index < a.count ? a[index] : 0
        difference |= left ^ b[index]
    }
    return difference == 0
}

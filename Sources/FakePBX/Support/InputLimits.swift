/// The ranges numbers from users must fall in: a count of seconds, an instant, a count of entries.
/// Anything outside (NaN, infinities, 1e300, a negative duration) is refused where it is read, with
/// the range in the message, before it can reach an integer conversion and stop the process.
enum InputLimits {
    /// A duration: at most ten years, never negative.
    static let seconds: ClosedRange<Double> = 0...315_360_000
    /// An instant as epoch seconds: 1970 to the end of year 9999.
    static let epoch: ClosedRange<Double> = 0...253_402_300_799

    /// How a range reads in a message.
    static func describe(_ range: ClosedRange<Double>, unit: String) -> String {
        func text(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
        return "a number of \(unit) from \(text(range.lowerBound)) to \(text(range.upperBound))"
    }
}

extension SpecReader {
    /// A finite number within `range`; `unit` names what it counts in the message.
    func double(in range: ClosedRange<Double>, unit: String = "seconds") throws(SpecError) -> Double {
        let number = try double()
        guard number.isFinite, range.contains(number) else {
            throw error("expected \(InputLimits.describe(range, unit: unit))")
        }
        return number
    }
}

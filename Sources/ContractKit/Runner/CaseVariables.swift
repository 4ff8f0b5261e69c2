import Foundation
import JSONSchema

/// The `{{name}}` values of one case run: built-ins, `--var` values and captures.
///
/// Built-ins: `run` (8 random hex digits, to keep names unique), `runDigits` (7 random digits),
/// `date`, `date-1`, `date-7`, `date-30` (UTC days, `YYYY-MM-DD`) and `username`.
struct CaseVariables {
    struct Missing: Error { let name: String }

    private(set) var values: [String: String]
    /// Names given with `--var`: pinned, so no capture replaces them.
    private let pinned: Set<String>

    init(_ given: [String: String], username: String?, now: Date = Date()) {
        var values: [String: String] = [
            "run": String(format: "%08x", UInt32.random(in: 0...UInt32.max)),
            "runDigits": String(format: "%07d", Int.random(in: 0...9_999_999)),
            "username": username ?? "",
        ]
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        values["date"] = formatter.string(from: now)
        for days in [1, 7, 30] { values["date-\(days)"] = formatter.string(from: now.addingTimeInterval(Double(-days * 86_400))) }
        for (name, value) in given { values[name] = value }
        self.values = values
        self.pinned = Set(given.keys)
    }

    /// `template` with every `{{name}}` replaced, or the first name without a value.
    func expand(_ template: String) -> Result<String, Missing> {
        var output = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let value = values[name] else { return .failure(Missing(name: name)) }
            output += value
            rest = rest[close.upperBound...]
        }
        return .success(output + rest)
    }

    /// Takes variables from a JSON response body; a pointer that resolves to nothing sets nothing, and
    /// a name given with `--var` keeps its given value.
    mutating func capture(_ captures: [(String, String)], from response: ExchangeResponse) {
        guard case .json(let document) = response.body else { return }
        for (name, pointer) in captures where !pinned.contains(name) {
            switch JSONPointer.resolve(pointer, in: document) {
            case .string(let text)?: values[name] = text
            case .number(let number)?: values[name] = number.literal
            case .bool(let flag)?: values[name] = flag ? "true" : "false"
            default: break
            }
        }
    }
}

import Foundation
public import HTTPTypes

/// A request after the access checks: its parameters (query string and body, credentials removed)
/// and where it came from.
public struct APIRequest: Sendable {
    public var method: HTTPRequest.Method
    public var path: String
    /// Parameters by name; the body's value wins over the query string's.
    public var fields: [String: String]
    public var clientAddress: IPAddress

    public init(method: HTTPRequest.Method, path: String, fields: [String: String], clientAddress: IPAddress) {
        self.method = method
        self.path = path
        self.fields = fields
        self.clientAddress = clientAddress
    }

    /// `value` without what PHP's `trim()` removes at either end: space, tab, line feed, carriage
    /// return, NUL and vertical tab (the contracts' `blank` is the same set).
    static func phpTrimmed(_ value: String) -> String {
        let set: Set<Unicode.Scalar> = [" ", "\t", "\n", "\r", "\0", "\u{0B}"]
        let scalars = value.unicodeScalars
        guard let first = scalars.firstIndex(where: { !set.contains($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !set.contains($0) })!
        return String(scalars[first...last])
    }

    /// The trimmed value of the first of `names` that is present and not blank.
    public func string(_ names: String...) -> String? {
        string(names)
    }

    func string(_ names: [String]) -> String? {
        for name in names {
            if let value = fields[name].map(APIRequest.phpTrimmed), !value.isEmpty { return value }
        }
        return nil
    }

    /// The values of required parameters, in order. Each entry lists accepted aliases, canonical name first.
    /// - Throws: `Missing Parameters` naming every missing one.
    func require(_ names: [[String]]) throws(APIError) -> [String] {
        var values: [String] = []
        var missing: [String] = []
        for aliases in names {
            if let value = string(aliases) { values.append(value) } else { missing.append(aliases[0]) }
        }
        if !missing.isEmpty { throw .missingParameters(missing) }
        return values
    }

    func require(_ names: String...) throws(APIError) -> [String] {
        try require(names.map { [$0] })
    }

    /// A boolean parameter: `true/false`, `1/0`, `yes/no`, `on/off`; `nil` when absent.
    /// Every alias given is checked (the contract checks each), and the first one given wins.
    func bool(_ names: String...) throws(APIError) -> Bool? {
        var result: Bool?
        for name in names {
            guard let value = string(name) else { continue }
            let flag: Bool
            switch value.lowercased() {
            case "true", "1", "yes", "on": flag = true
            case "false", "0", "no", "off": flag = false
            default: throw .invalidRequest("\(name) '\(value)' is not valid: expected true or false")
            }
            result = result ?? flag
        }
        return result
    }

    /// An integer parameter within `range`; `nil` when absent.
    func int(_ name: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let value = string(name) else { return nil }
        guard let number = Int(value), range.contains(number) else {
            throw .invalidRequest("\(name) '\(value)' is not valid: expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// The `action` parameter of the action-based endpoints, checked against `allowed`.
    func action(_ allowed: [String]) throws(APIError) -> String {
        let action = try require([["action"]])[0].lowercased()
        guard allowed.contains(action) else {
            throw .invalidRequest("unknown action '\(action)'; expected one of: \(allowed.joined(separator: ", "))")
        }
        return action
    }
}

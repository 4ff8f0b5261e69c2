import ArgumentParser
import FakePBX
import Foundation

/// `FAKEPBX_*` environment variables mirror the flags; a flag given on the command line wins.
struct EnvironmentValues {
    var values: [String: String]

    init(_ values: [String: String] = ProcessInfo.processInfo.environment) { self.values = values }

    /// The flag's value, else the environment variable's, else `nil`.
    func resolve(_ flag: String?, _ variable: String) -> String? {
        if let flag { return flag }
        guard let value = values[variable], !value.isEmpty else { return nil }
        return value
    }

    /// Whether a boolean variable is set to true (`1`, `true`, `yes`, `on`).
    func flag(_ variable: String) -> Bool {
        guard let value = values[variable]?.lowercased() else { return false }
        return ["1", "true", "yes", "on"].contains(value)
    }

    /// A typed option: the flag as ArgumentParser parsed it (which lists the values a bad one may
    /// take), else the variable, read the same way.
    func value<T: ExpressibleByArgument>(_ flag: T?, _ variable: String) throws -> T? {
        if let flag { return flag }
        guard let text = resolve(nil, variable) else { return nil }
        guard let value = T(argument: text) else {
            let values = T.allValueStrings
            let expected = values.count < 2 ? "" : "; expected \(values.dropLast().joined(separator: ", ")) or \(values.last!)"
            throw ValidationError("\(variable) (environment): '\(text)' is not valid\(expected)")
        }
        return value
    }

    /// Parses a value with `parse`, naming both the flag and the variable when it is bad.
    func parse<T>(_ flag: String?, _ variable: String, option: String, expected: String, _ parse: (String) -> T?) throws -> T? {
        guard let text = resolve(flag, variable) else { return nil }
        guard let value = parse(text) else {
            let origin = flag != nil ? option : "\(variable) (environment)"
            throw ValidationError("\(origin): '\(text)' is not valid; expected \(expected)")
        }
        return value
    }

    /// A repeatable flag's values, else its variable's, split at commas and spaces.
    func list(_ flag: [String], _ variable: String) -> [String] {
        flag.isEmpty ? (resolve(nil, variable).map { $0.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init) } ?? []) : flag
    }

    /// Addresses and CIDR blocks from a repeatable flag or its variable; `nil` when neither is given.
    func blocks(_ flag: [String], _ variable: String, option: String) throws -> [CIDRBlock]? {
        let items = list(flag, variable)
        guard !items.isEmpty else { return nil }
        return try items.map { text in
            guard let block = CIDRBlock(text) else {
                let origin = flag.isEmpty ? "\(variable) (environment)" : option
                throw ValidationError("\(origin): '\(text)' is not an IP address or CIDR block such as 10.0.0.0/8")
            }
            return block
        }
    }
}

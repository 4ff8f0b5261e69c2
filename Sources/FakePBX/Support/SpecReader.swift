import JSONSchema

/// A problem in a fault or scenario document, at a JSON pointer; the scenario loader turns the
/// pointer into the file's line and column.
public struct SpecError: Error, Sendable, CustomStringConvertible {
    public var pointer: String
    public var message: String

    public init(_ pointer: String, _ message: String) {
        self.pointer = pointer
        self.message = message
    }

    public var description: String { "\(pointer.isEmpty ? "(root)" : pointer): \(message)" }
}

/// Reads typed members of a fault or scenario document, each problem located by JSON pointer.
struct SpecReader {
    let value: JSONValue
    let pointer: String

    init(_ value: JSONValue, pointer: String = "") {
        self.value = value
        self.pointer = pointer
    }

    func error(_ message: String, at key: String? = nil) -> SpecError {
        SpecError(key.map { "\(pointer)/\(JSONPointer.escape($0))" } ?? pointer, message)
    }

    func object() throws(SpecError) -> JSONObject {
        guard case .object(let object) = value else { throw error("expected a mapping (key: value pairs)") }
        return object
    }

    func member(_ key: String) throws(SpecError) -> SpecReader? {
        guard let child = try object()[key], child != .null else { return nil }
        return SpecReader(child, pointer: "\(pointer)/\(JSONPointer.escape(key))")
    }

    func required(_ key: String) throws(SpecError) -> SpecReader {
        guard let child = try member(key) else { throw error("'\(key)' is missing", at: key) }
        return child
    }

    func string() throws(SpecError) -> String {
        switch value {
        case .string(let text): return text
        case .number(let number): return number.literal
        default: throw error("expected text")
        }
    }

    func double() throws(SpecError) -> Double {
        switch value {
        case .number(let number): if number.doubleValue.isFinite { return number.doubleValue }
        case .string(let text): if let number = Double(text), number.isFinite { return number }
        default: break
        }
        throw error("expected a finite number")
    }

    func int(in range: ClosedRange<Int> = Int.min...Int.max) throws(SpecError) -> Int {
        let number = try double()
        guard number == number.rounded(), let int = Int(exactly: number), range.contains(int) else {
            let expected =
                switch (range.lowerBound, range.upperBound) {
                case (Int.min, Int.max): "a whole number"
                case (let low, Int.max): "a whole number of at least \(low)"
                case (let low, let high): "a whole number from \(low) to \(high)"
                }
            throw error("expected \(expected)")
        }
        return int
    }

    /// One of an enumeration's values, by its raw text; the error lists them all.
    func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type) throws(SpecError) -> T where T.RawValue == String {
        let text = try string()
        guard let value = T(rawValue: text) else {
            let names = T.allCases.map(\.rawValue)
            let expected = names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + names.last! : names.joined()
            throw error("'\(text)' is not valid; expected \(expected)")
        }
        return value
    }

    func bool() throws(SpecError) -> Bool {
        if case .bool(let flag) = value { return flag }
        throw error("expected true or false")
    }

    func array() throws(SpecError) -> [SpecReader] {
        guard case .array(let items) = value else { throw error("expected a list") }
        return items.enumerated().map { SpecReader($1, pointer: "\(pointer)/\($0)") }
    }

    /// A list, or a single value standing for a list of one.
    func list() throws(SpecError) -> [SpecReader] {
        if case .array = value { return try array() }
        return [self]
    }

    func rejectUnknown(_ allowed: [String]) throws(SpecError) {
        for key in try object().keys where !allowed.contains(key) {
            throw error("unknown key '\(key)'; expected one of: \(allowed.joined(separator: ", "))", at: key)
        }
    }
}

extension JSONValue {
    /// JSON Schema equality (`const`, `enum`, `uniqueItems`): numbers by value (`1 == 1.0`), objects by
    /// members regardless of order, arrays element-wise.
    public func isJSONEqual(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        // Code points, not Swift's canonical equivalence: "é" and "e\u{301}" differ in JSON.
        case (.string(let a), .string(let b)): return a.hasSameCodePoints(as: b)
        case (.number(let a), .number(let b)): return a.isNumericallyEqual(to: b)
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isJSONEqual(to: $1) }
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            return a.allSatisfy { member in b[member.key].map { member.value.isJSONEqual(to: $0) } ?? false }
        default: return false
        }
    }

    /// The JSON Schema type name of the value (`integer` for whole numbers).
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number(let n): n.isInteger ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

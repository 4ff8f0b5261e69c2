import JSONSchema

extension AnswerDifference {
    /// What a PHP client's `json_decode` gives for a JSON value, in the classes whose changes break
    /// comparisons: booleans, numbers, strings that read as booleans or numbers, empty strings, null.
    static func phpClass(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "boolean"
        case .number(let number): return number.isInteger ? "integer" : "float"
        case .string(let text):
            if text.isEmpty { return "empty string" }
            if text == "true" || text == "false" { return "string 'true'/'false'" }
            if Double(text) != nil, text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }) { return "numeric string" }
            return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    private static func jsonType(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Walks two JSON values side by side. Array items are compared position by position (the two
    /// sides serve the same data), their place written with `*`.
    static func compareJSON(_ old: JSONValue, _ new: JSONValue, at place: String, into differences: inout [AnswerDifference]) {
        switch (old, new) {
        case (.object(let a), .object(let b)):
            for member in a {
                let child = place + "/" + JSONPointer.escape(member.key)
                if let other = b[member.key] {
                    compareJSON(member.value, other, at: child, into: &differences)
                } else {
                    differences.append(.init(.memberRemoved, child, old: phpClass(member.value)))
                }
            }
            for member in b where a[member.key] == nil {
                differences.append(.init(.memberAdded, place + "/" + JSONPointer.escape(member.key), new: phpClass(member.value)))
            }
        case (.array(let a), .array(let b)):
            if a.count != b.count { differences.append(.init(.itemCount, place, old: String(a.count), new: String(b.count))) }
            for (x, y) in zip(a, b) { compareJSON(x, y, at: place + "/*", into: &differences) }
        default:
            if jsonType(old) != jsonType(new) {
                differences.append(.init(.typeChanged, place, old: phpClass(old), new: phpClass(new)))
            } else if !old.isJSONEqual(to: new) {
                differences.append(.init(.valueChanged, place, old: excerpt(old.serialized()), new: excerpt(new.serialized())))
            }
        }
    }
}

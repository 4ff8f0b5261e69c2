/// One failed assertion, in the standard "basic" output form.
public struct ValidationError: Sendable, Hashable, CustomStringConvertible {
    /// JSON pointer to the value that failed, e.g. `/records/3/billsec`.
    public var instanceLocation: String
    /// The keyword path through the schema as evaluated (including `$ref` hops), e.g. `/properties/records/items/$ref/type`.
    public var keywordLocation: String
    /// The absolute URI of the failing keyword, e.g. `https://example.com/cdr.json#/$defs/record/type`.
    public var absoluteKeywordLocation: String
    /// What went wrong, for a person.
    public var message: String

    public var description: String {
        "\(instanceLocation.isEmpty ? "(root)" : instanceLocation): \(message) [\(keywordLocation)]"
    }
}

/// The outcome of validating one instance.
public struct ValidationResult: Sendable {
    public var isValid: Bool
    public var errors: [ValidationError]

    /// The result in the JSON Schema "basic" output format.
    public var basicOutput: JSONValue {
        var object: JSONObject = ["valid": .bool(isValid)]
        if !isValid {
            object["errors"] = .array(
                errors.map { error in
                    [
                        "instanceLocation": .string(error.instanceLocation), "keywordLocation": .string(error.keywordLocation),
                        "absoluteKeywordLocation": .string(error.absoluteKeywordLocation), "error": .string(error.message),
                    ]
                })
        }
        return .object(object)
    }
}

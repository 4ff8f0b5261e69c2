extension JSONValue {
    /// The value with every string replaced by `transform(string, key)`, where `key` is the name of
    /// the member the string is under (an array's items keep their array's name; nil at the top).
    public func mappingStrings(key: String? = nil, _ transform: (String, String?) -> String) -> JSONValue {
        switch self {
        case .object(let object):
            var copy = JSONObject()
            for member in object { copy[member.key] = member.value.mappingStrings(key: member.key, transform) }
            return .object(copy)
        case .array(let items):
            return .array(items.map { $0.mappingStrings(key: key, transform) })
        case .string(let text):
            return .string(transform(text, key))
        default:
            return self
        }
    }
}

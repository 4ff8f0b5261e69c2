extension JSONValue {
    /// The value with every string replaced by `transform(string, key)`, where `key` is the name of
    /// the member the string is under (an array's items keep their array's name; nil at the top).
    public func mappingStrings(key: String? = nil, _ transform: (String, String?) -> String) -> JSONValue {
        switch self {
        case .object(let object):
            return .object(object.mapValues { $0.value.mappingStrings(key: $0.key, transform) })
        case .array(let items):
            return .array(items.map { $0.mappingStrings(key: key, transform) })
        case .string(let text):
            return .string(transform(text, key))
        default:
            return self
        }
    }
}

/// Why a schema cannot be compiled, with the location of the problem (absolute URI and JSON pointer).
public struct SchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A `$ref` or `$dynamicRef` names a schema that is not in the registry.
        public static let unresolvableReference = Code("unresolvable-reference")
        /// A keyword's value has the wrong type or range.
        public static let invalidKeyword = Code("invalid-keyword")
        /// A `pattern` or `patternProperties` key is not a valid regular expression.
        public static let invalidRegex = Code("invalid-regex")
        /// `$schema` names a meta-schema the registry does not have.
        public static let unknownMetaSchema = Code("unknown-meta-schema")
    }

    public var code: Code
    public var message: String
    /// `URI#/json/pointer` of the offending keyword.
    public var location: String

    public var description: String { "\(location): \(message)" }
}

/// Why the tenant model refused an operation; the API turns it into an error envelope.
public struct ModelError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// A referenced record does not exist.
        case notFound
        /// The operation would break the model's consistency (a duplicate, or deleting something in use).
        case conflict
        /// A field has a bad value.
        case invalid(field: String)
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func invalid(_ field: String, _ expectation: String?, value: String) -> ModelError? {
        expectation.map { ModelError(.invalid(field: field), "\(field) '\(value)' is not valid: expected \($0)") }
    }
}

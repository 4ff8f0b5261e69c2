/// A compiled JSON Schema (draft 2020-12), ready to validate instances.
///
/// Compilation resolves every reference, checks every keyword and builds regular expressions once; the
/// validator is immutable and `Sendable`, and validating never looks at the schema JSON again.
public struct Validator: Sendable {
    let nodes: [SchemaNode]
    let resources: [SchemaResource]
    let root: Int
    /// Whether any node uses `unevaluatedItems`/`unevaluatedProperties` (only then are annotations collected).
    let usesUnevaluated: Bool

    /// The URI a schema without `$id` is given.
    public static let defaultURI = "urn:fakepbx:schema"

    /// Compiles `schema`.
    /// - Parameters:
    ///   - schema: The schema document.
    ///   - uri: Where the schema was retrieved from; its base URI unless it declares `$id`.
    ///   - registry: Documents that references may name (the 2020-12 meta-schemas are always there).
    ///   - formatAssertion: Make `format` an assertion (by default it is only an annotation).
    /// - Throws: ``SchemaError`` with the JSON pointer of the first problem.
    public init(
        schema: JSONValue, uri: String = Validator.defaultURI, registry: SchemaRegistry = SchemaRegistry(),
        formatAssertion: Bool = false
    ) throws(SchemaError) {
        let compiler = SchemaCompiler(registry: registry, formatAssertion: formatAssertion)
        self.root = try compiler.compile(schema, uri: uri)
        self.nodes = compiler.nodes
        self.resources = compiler.resources
        self.usesUnevaluated = compiler.nodes.contains { node in
            node.keywords.contains { keyword in
                switch keyword.kind {
                case .unevaluatedItems, .unevaluatedProperties: true
                default: false
                }
            }
        }
    }

    /// Validates `instance`, collecting every failed assertion.
    public func validate(_ instance: JSONValue) -> ValidationResult {
        var evaluator = Evaluator(validator: self, collectsErrors: true)
        let outcome = evaluator.evaluate(root, instance)
        return ValidationResult(isValid: outcome.valid, errors: evaluator.errors)
    }

    /// Whether `instance` is valid. Faster than ``validate(_:)``: it builds no error locations or
    /// messages and stops at the first failure.
    public func isValid(_ instance: JSONValue) -> Bool {
        var evaluator = Evaluator(validator: self, collectsErrors: false)
        return evaluator.evaluate(root, instance).valid
    }
}

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
    /// Whether any node uses `$dynamicRef` (only then is the dynamic scope tracked).
    let usesDynamicRef: Bool
    /// Whether the schema graph has a cycle (only then can evaluation recurse forever, and is guarded).
    let mayRecurse: Bool

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
        let root = try compiler.compile(schema, uri: uri)
        self.init(nodes: compiler.nodes, resources: compiler.resources, root: root)
    }

    /// Compiles several schemas against one registry at once. Documents they share (a common
    /// definitions file, the meta-schemas) are indexed and compiled once, which makes compiling many
    /// entry points into the same files much faster than compiling each on its own.
    /// - Throws: ``SchemaError`` with the JSON pointer of the first problem.
    public static func compileAll(
        _ schemas: [(schema: JSONValue, uri: String)], registry: SchemaRegistry = SchemaRegistry(), formatAssertion: Bool = false
    ) throws(SchemaError) -> [Validator] {
        let compiler = SchemaCompiler(registry: registry, formatAssertion: formatAssertion)
        var roots: [Int] = []
        for (schema, uri) in schemas { roots.append(try compiler.compile(schema, uri: uri)) }
        return roots.map { Validator(nodes: compiler.nodes, resources: compiler.resources, root: $0) }
    }

    /// A validator over compiled nodes; the feature flags consider only the nodes reachable from `root`.
    private init(nodes: [SchemaNode], resources: [SchemaResource], root: Int) {
        self.root = root
        self.nodes = nodes
        self.resources = resources
        var reachable = Set<Int>()
        var stack = [root]
        while let id = stack.popLast() {
            guard reachable.insert(id).inserted else { continue }
            for keyword in nodes[id].keywords { stack.append(contentsOf: keyword.subschemas) }
        }
        var kinds = reachable.flatMap { nodes[$0].keywords.map(\.kind) }
        self.usesDynamicRef = kinds.contains {
            if case .dynamicRef = $0 { return true }
            return false
        }
        // A $dynamicRef can land anywhere in the dynamic scope, so then every node counts.
        if usesDynamicRef { kinds = nodes.flatMap { $0.keywords.map(\.kind) } }
        self.usesUnevaluated = kinds.contains {
            switch $0 {
            case .unevaluatedItems, .unevaluatedProperties: true
            default: false
            }
        }
        self.mayRecurse = usesDynamicRef || Validator.hasCycle(nodes, from: reachable)
    }

    /// Whether following subschemas and references from any node can lead back to it.
    private static func hasCycle(_ nodes: [SchemaNode], from reachable: Set<Int>) -> Bool {
        var state = [UInt8](repeating: 0, count: nodes.count)  // 0 new, 1 on the path, 2 done
        func visit(_ id: Int) -> Bool {
            if state[id] == 1 { return true }
            if state[id] == 2 { return false }
            state[id] = 1
            for keyword in nodes[id].keywords {
                for next in keyword.subschemas where visit(next) { return true }
            }
            state[id] = 2
            return false
        }
        return reachable.contains { visit($0) }
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

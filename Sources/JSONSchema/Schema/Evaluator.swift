/// Annotations that `unevaluatedItems` and `unevaluatedProperties` read: what adjacent keywords (and
/// successful in-place subschemas) have already evaluated.
struct Annotations {
    var properties: Set<JSONKey> = []
    var allItems = false
    var itemPrefix = 0
    var items: Set<Int> = []

    mutating func merge(_ other: Annotations) {
        properties.formUnion(other.properties)
        allItems = allItems || other.allItems
        itemPrefix = max(itemPrefix, other.itemPrefix)
        items.formUnion(other.items)
    }

    func isItemEvaluated(_ index: Int) -> Bool { allItems || index < itemPrefix || items.contains(index) }
}

/// The result of evaluating one subschema. Errors go to the evaluator's single list (see
/// ``Evaluator/errors``), so a valid subschema costs no error bookkeeping.
struct Outcome {
    var valid = true
    var annotations = Annotations()

    /// Takes in a subschema's result: its failure or, for subschemas applied to the same instance
    /// location (`inPlace`), its annotations. Annotations about a child's own members never describe
    /// the parent's.
    mutating func include(_ sub: Outcome, inPlace: Bool = true) {
        if sub.valid {
            if inPlace { annotations.merge(sub.annotations) }
        } else {
            valid = false
        }
    }
}

/// Evaluates one instance against a validator; holds the dynamic scope for `$dynamicRef`. A struct, so
/// exclusive access to its stacks is checked at compile time rather than on every access.
///
/// Paths are kept as token stacks and turned into JSON pointers only when an error is reported, so a
/// valid instance costs no string building.
struct Evaluator {
    enum InstanceToken {
        case key(String)
        case index(Int)
    }

    /// A keyword-path step: a keyword name (`"properties"`) or a member name or index under it.
    enum KeywordToken {
        case keyword(String)
        case key(String)
        case index(Int)
    }

    let nodes: [SchemaNode]
    let resources: [SchemaResource]
    let collectsAnnotations: Bool
    private let tracksScope: Bool
    private let guardsRecursion: Bool
    /// False for a yes/no answer: no paths or messages are built and evaluation stops at the first failure.
    let collectsErrors: Bool
    var scope: [Int] = []
    /// Every error reported so far, in order. Keywords that discard their subschemas' failures (`anyOf`
    /// with a passing branch, `not`, `if`, `contains`) cut the list back to where it stood.
    var errors: [ValidationError] = []
    private var instanceTokens: [InstanceToken] = []
    private var keywordTokens: [KeywordToken] = []
    /// Nodes being evaluated, with the instance depth each was entered at; a node met again at the same
    /// depth, without descending into the instance, is an infinite recursion.
    private var active: [(node: Int, depth: Int)] = []
    private var depth = 0

    init(validator: Validator, collectsErrors: Bool) {
        self.nodes = validator.nodes
        self.resources = validator.resources
        self.collectsAnnotations = validator.usesUnevaluated
        self.tracksScope = validator.usesDynamicRef
        self.guardsRecursion = validator.mayRecurse
        self.collectsErrors = collectsErrors
    }

    private static func step(_ token: InstanceToken) -> String {
        switch token {
        case .key(let key): "/" + JSONPointer.escape(key)
        case .index(let index): "/\(index)"
        }
    }

    var instancePath: String { instanceTokens.map(Evaluator.step).joined() }

    var keywordPath: String {
        keywordTokens.map { token -> String in
            switch token {
            case .keyword(let name): "/" + name
            case .key(let key): "/" + JSONPointer.escape(key)
            case .index(let index): "/\(index)"
            }
        }.joined()
    }

    func error(_ message: @autoclosure () -> String, absolute: @autoclosure () -> String, extraKeyword: String? = nil, at child: InstanceToken? = nil)
        -> ValidationError
    {
        let location = instancePath + (child.map(Evaluator.step) ?? "")
        return ValidationError(
            instanceLocation: location, keywordLocation: keywordPath + (extraKeyword.map { "/" + $0 } ?? ""),
            absoluteKeywordLocation: absolute(), message: message()
        )
    }

    mutating func evaluate(_ id: Int, _ instance: JSONValue) -> Outcome {
        let node = nodes[id]
        if let boolean = node.boolean {
            if !boolean && collectsErrors {
                errors.append(error("no value is allowed here (the schema is false)", absolute: node.absoluteLocation))
            }
            return Outcome(valid: boolean)
        }
        if guardsRecursion {
            var index = active.count - 1
            while index >= 0 && active[index].depth == depth {
                if active[index].node == id {
                    if collectsErrors {
                        let message = "the schema refers to itself without consuming any of the instance (infinite recursion)"
                        errors.append(error(message, absolute: node.absoluteLocation))
                    }
                    return Outcome(valid: false)
                }
                index -= 1
            }
            active.append((id, depth))
        }
        let entersResource = tracksScope && scope.last != node.resource
        if entersResource { scope.append(node.resource) }
        defer {
            if guardsRecursion { active.removeLast() }
            if entersResource { scope.removeLast() }
        }
        var outcome = Outcome()
        // Reading through the buffer hands each keyword over without copying it.
        node.keywords.withUnsafeBufferPointer { keywords in
            for index in keywords.indices {
                apply(keywords[index], to: instance, node: node, outcome: &outcome)
                if !outcome.valid && !collectsErrors { break }
            }
        }
        if !outcome.valid { outcome.annotations = Annotations() }
        return outcome
    }

    /// Evaluates `id` with `keyword` (and `suffix` tokens) appended to the keyword path, on `value` at
    /// the child location `child`, or on the same instance when `child` is nil.
    mutating func evaluate(
        _ id: Int, keyword: String, suffix: KeywordToken? = nil, _ instance: JSONValue, child: InstanceToken? = nil
    ) -> Outcome {
        if collectsErrors {
            keywordTokens.append(.keyword(keyword))
            if let suffix { keywordTokens.append(suffix) }
            if let child { instanceTokens.append(child) }
        }
        if child != nil { depth += 1 }
        defer {
            if collectsErrors {
                keywordTokens.removeLast(suffix == nil ? 1 : 2)
                if child != nil { instanceTokens.removeLast() }
            }
            if child != nil { depth -= 1 }
        }
        return evaluate(id, instance)
    }

    /// Applies one keyword: the keyword families are in `Evaluator+Logic`, `+Arrays`, `+Objects` and
    /// `+Assertions`.
    private mutating func apply(_ keyword: Keyword, to instance: JSONValue, node: SchemaNode, outcome: inout Outcome) {
        switch keyword.kind {
        case .ref, .dynamicRef, .allOf, .anyOf, .oneOf, .not, .conditional:
            applyLogic(keyword, to: instance, node: node, outcome: &outcome)
        case .prefixItems, .items, .contains, .unevaluatedItems:
            applyArray(keyword, to: instance, node: node, outcome: &outcome)
        case .dependentSchemas, .properties, .patternProperties, .additionalProperties, .propertyNames, .unevaluatedProperties:
            applyObject(keyword, to: instance, node: node, outcome: &outcome)
        case .type, .enumeration, .constant, .multipleOf, .maximum, .exclusiveMaximum, .minimum, .exclusiveMinimum, .maxLength, .minLength, .pattern,
            .maxItems, .minItems, .uniqueItems, .maxProperties, .minProperties, .required, .dependentRequired, .format:
            applyAssertion(keyword, to: instance, node: node, outcome: &outcome)
        }
    }

    /// Records a failure of keyword `name` of `node` (its message built only when errors are collected).
    mutating func fail(
        _ message: @autoclosure () -> String, _ name: String, _ node: SchemaNode, at child: InstanceToken? = nil, _ outcome: inout Outcome
    ) {
        outcome.valid = false
        if collectsErrors {
            errors.append(error(message(), absolute: node.absoluteLocation + "/" + name, extraKeyword: name, at: child))
        }
    }

    /// Applies `additionalProperties`, `unevaluatedProperties` or `unevaluatedItems` to a member or
    /// item no other keyword evaluated: under `false`, one message saying `what` is not allowed;
    /// else the subschema's own errors.
    mutating func applyToLeftover(
        _ id: Int, _ name: String, _ node: SchemaNode, value: JSONValue, at child: InstanceToken, what: @autoclosure () -> String,
        _ outcome: inout Outcome
    ) {
        let mark = errors.count
        let result = evaluate(id, keyword: name, value, child: child)
        guard nodes[id].boolean == false else { return outcome.include(result, inPlace: false) }
        errors.removeSubrange(mark...)
        if !result.valid { fail("\(what()) is not allowed (\(name) is false)", name, node, at: child, &outcome) }
    }

    /// Evaluates subschema `id` under keyword `name`, on `value` (`instance` by default).
    mutating func sub(
        _ id: Int, _ name: String, _ instance: JSONValue, _ suffix: KeywordToken? = nil, value: JSONValue? = nil, at child: InstanceToken? = nil
    ) -> Outcome {
        evaluate(id, keyword: name, suffix: suffix, value ?? instance, child: child)
    }

    /// A value as JSON, shortened for messages.
    static func show(_ value: JSONValue) -> String {
        let text = value.serialized()
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}

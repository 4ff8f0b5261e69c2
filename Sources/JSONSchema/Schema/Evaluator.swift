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
    private enum InstanceToken {
        case key(String)
        case index(Int)
    }

    /// A keyword-path step: a keyword name (`"properties"`) or a member name or index under it.
    private enum KeywordToken {
        case keyword(String)
        case key(String)
        case index(Int)
    }

    private let nodes: [SchemaNode]
    private let resources: [SchemaResource]
    private let collectsAnnotations: Bool
    private let tracksScope: Bool
    private let guardsRecursion: Bool
    /// False for a yes/no answer: no paths or messages are built and evaluation stops at the first failure.
    private let collectsErrors: Bool
    private var scope: [Int] = []
    /// Every error reported so far, in order. Keywords that discard their subschemas' failures (`anyOf`
    /// with a passing branch, `not`, `if`, `contains`) cut the list back to where it stood.
    private(set) var errors: [ValidationError] = []
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

    private func error(_ message: @autoclosure () -> String, absolute: @autoclosure () -> String, extraKeyword: String? = nil, at child: InstanceToken? = nil) -> ValidationError {
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
    private mutating func evaluate(
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

    // swiftlint:disable:next function_body_length cyclomatic_complexity
    private mutating func apply(_ keyword: Keyword, to instance: JSONValue, node: SchemaNode, outcome: inout Outcome) {
        let name = keyword.name
        func fail(_ message: @autoclosure () -> String, at child: InstanceToken? = nil) {
            outcome.valid = false
            if collectsErrors {
                errors.append(error(message(), absolute: node.absoluteLocation + "/" + name, extraKeyword: name, at: child))
            }
        }
        func sub(_ id: Int, _ suffix: KeywordToken? = nil, value: JSONValue? = nil, at child: InstanceToken? = nil) -> Outcome {
            evaluate(id, keyword: name, suffix: suffix, value ?? instance, child: child)
        }

        switch keyword.kind {
        case .ref(let target):
            outcome.include(sub(target))
        case .dynamicRef(let target, let anchor):
            var resolved = target
            if let anchor {
                for resource in scope {
                    if let candidate = resources[resource].dynamicAnchors[anchor] {
                        resolved = candidate
                        break
                    }
                }
            }
            outcome.include(sub(resolved))
        case .allOf(let list):
            for (i, id) in list.enumerated() { outcome.include(sub(id, .index(i))) }
        case .anyOf(let list):
            let mark = errors.count
            var passed = false
            for (i, id) in list.enumerated() {
                let result = sub(id, .index(i))
                if result.valid {
                    passed = true
                    outcome.annotations.merge(result.annotations)
                    // Without annotations to gather, one passing branch settles it.
                    if !collectsAnnotations { break }
                }
            }
            if passed {
                errors.removeSubrange(mark...)
            } else {
                fail("matches none of the \(list.count) anyOf alternatives")
            }
        case .oneOf(let list):
            let mark = errors.count
            let results = list.enumerated().map { sub($1, .index($0)) }
            let passing = results.enumerated().filter { $1.valid }
            if passing.count == 1 {
                errors.removeSubrange(mark...)
                outcome.annotations.merge(passing[0].element.annotations)
            } else if passing.isEmpty {
                fail("matches none of the \(list.count) oneOf alternatives")
            } else {
                errors.removeSubrange(mark...)
                fail("matches \(passing.count) oneOf alternatives (\(passing.map { String($0.offset) }.joined(separator: ", "))); exactly one must match")
            }
        case .not(let id):
            let mark = errors.count
            let matched = sub(id).valid
            errors.removeSubrange(mark...)
            if matched { fail("must not match the schema in \"not\"") }
        case .conditional(let condition, let then, let otherwise):
            let mark = errors.count
            let test = evaluate(condition, keyword: "if", instance)
            errors.removeSubrange(mark...)
            if test.valid {
                outcome.annotations.merge(test.annotations)
                if let then {
                    outcome.include(evaluate(then, keyword: "then", instance))
                }
            } else if let otherwise {
                outcome.include(evaluate(otherwise, keyword: "else", instance))
            }
        case .dependentSchemas(let map):
            guard case .object(let object) = instance else { return }
            for (name, id) in map where object[name] != nil {
                outcome.include(sub(id, .key(name)))
            }
        case .prefixItems(let list):
            guard case .array(let items) = instance else { return }
            for (i, id) in list.enumerated() where i < items.count {
                outcome.include(sub(id, .index(i), value: items[i], at: .index(i)), inPlace: false)
            }
            outcome.annotations.itemPrefix = max(outcome.annotations.itemPrefix, min(items.count, list.count))
        case .items(let id, let prefixCount):
            guard case .array(let items) = instance else { return }
            for i in items.indices where i >= prefixCount {
                outcome.include(sub(id, value: items[i], at: .index(i)), inPlace: false)
                if !outcome.valid && !collectsErrors { return }
            }
            outcome.annotations.allItems = true
        case .contains(let id, let minimum, let maximum):
            guard case .array(let items) = instance else { return }
            var matched: Set<Int> = []
            let mark = errors.count
            for (i, item) in items.enumerated() where sub(id, value: item, at: .index(i)).valid {
                matched.insert(i)
            }
            errors.removeSubrange(mark...)
            if matched.count < minimum {
                fail(minimum == 1 ? "no item matches the \"contains\" schema" : "only \(matched.count) items match the \"contains\" schema; at least \(minimum) must")
            } else if let maximum, matched.count > maximum {
                fail("\(matched.count) items match the \"contains\" schema; at most \(maximum) may")
            }
            outcome.annotations.items.formUnion(matched)
        case .properties(let map):
            guard case .object(let object) = instance else { return }
            // Walk whichever side is smaller: the schema's names or the instance's members.
            if map.count < object.count {
                for (name, id) in map {
                    let key = name.string
                    guard let value = object[key] else { continue }
                    outcome.include(sub(id, .key(key), value: value, at: .key(key)), inPlace: false)
                    if collectsAnnotations { outcome.annotations.properties.insert(name) }
                    if !outcome.valid && !collectsErrors { return }
                }
            } else {
                for member in object {
                    guard let id = map[JSONKey(member.key)] else { continue }
                    outcome.include(sub(id, .key(member.key), value: member.value, at: .key(member.key)), inPlace: false)
                    if collectsAnnotations { outcome.annotations.properties.insert(JSONKey(member.key)) }
                    if !outcome.valid && !collectsErrors { return }
                }
            }
        case .patternProperties(let patterns):
            guard case .object(let object) = instance else { return }
            for member in object {
                for (pattern, id) in patterns where pattern.matches(member.key) {
                    outcome.include(sub(id, .key(pattern.source), value: member.value, at: .key(member.key)), inPlace: false)
                    if collectsAnnotations { outcome.annotations.properties.insert(JSONKey(member.key)) }
                }
            }
        case .additionalProperties(let id, let known, let patterns):
            guard case .object(let object) = instance else { return }
            for member in object where !known.contains(JSONKey(member.key)) && !patterns.contains(where: { $0.matches(member.key) }) {
                let mark = errors.count
                let result = sub(id, value: member.value, at: .key(member.key))
                if nodes[id].boolean == false {
                    errors.removeSubrange(mark...)
                    if !result.valid { fail("property \"\(member.key)\" is not allowed (additionalProperties is false)", at: .key(member.key)) }
                } else {
                    outcome.include(result, inPlace: false)
                }
                if collectsAnnotations { outcome.annotations.properties.insert(JSONKey(member.key)) }
            }
        case .propertyNames(let id):
            guard case .object(let object) = instance else { return }
            for member in object {
                let result = sub(id, value: .string(member.key), at: .key(member.key))
                if !result.valid {
                    fail("property name \"\(member.key)\" does not match propertyNames", at: .key(member.key))
                }
            }
        case .unevaluatedItems(let id):
            guard case .array(let items) = instance else { return }
            let evaluated = outcome.annotations
            for i in items.indices where !evaluated.isItemEvaluated(i) {
                let mark = errors.count
                let result = sub(id, value: items[i], at: .index(i))
                if nodes[id].boolean == false {
                    errors.removeSubrange(mark...)
                    if !result.valid { fail("item \(i) is not allowed (unevaluatedItems is false)", at: .index(i)) }
                } else {
                    outcome.include(result, inPlace: false)
                }
            }
            outcome.annotations.allItems = true
        case .unevaluatedProperties(let id):
            guard case .object(let object) = instance else { return }
            let evaluated = outcome.annotations.properties
            for member in object where !evaluated.contains(JSONKey(member.key)) {
                let mark = errors.count
                let result = sub(id, value: member.value, at: .key(member.key))
                if nodes[id].boolean == false {
                    errors.removeSubrange(mark...)
                    if !result.valid { fail("property \"\(member.key)\" is not allowed (unevaluatedProperties is false)", at: .key(member.key)) }
                } else {
                    outcome.include(result, inPlace: false)
                }
                outcome.annotations.properties.insert(JSONKey(member.key))
            }
        case .type(let names):
            let actual = instance.typeName
            if !(names.contains(actual) || (actual == "integer" && names.contains("number"))) {
                let expected = names.count == 1 ? names[0] : "one of " + names.joined(separator: ", ")
                fail("expected \(expected), got \(actual == "integer" ? "number" : actual) \(Self.show(instance))")
            }
        case .enumeration(let options):
            if !options.contains(where: { $0.isJSONEqual(to: instance) }) {
                fail("\(Self.show(instance)) is not one of \(Self.show(.array(options)))")
            }
        case .constant(let value):
            if !value.isJSONEqual(to: instance) { fail("expected \(Self.show(value)), got \(Self.show(instance))") }
        case .multipleOf(let divisor):
            if case .number(let n) = instance, !n.isMultiple(of: divisor) { fail("\(n) is not a multiple of \(divisor)") }
        case .maximum(let limit):
            if case .number(let n) = instance, n.compare(to: limit) > 0 { fail("\(n) is greater than the maximum \(limit)") }
        case .exclusiveMaximum(let limit):
            if case .number(let n) = instance, n.compare(to: limit) >= 0 { fail("\(n) must be less than \(limit)") }
        case .minimum(let limit):
            if case .number(let n) = instance, n.compare(to: limit) < 0 { fail("\(n) is less than the minimum \(limit)") }
        case .exclusiveMinimum(let limit):
            if case .number(let n) = instance, n.compare(to: limit) <= 0 { fail("\(n) must be greater than \(limit)") }
        case .maxLength(let limit):
            if case .string(let s) = instance, case let length = s.unicodeScalars.count, length > limit {
                fail("string is \(length) characters long; at most \(limit) allowed")
            }
        case .minLength(let limit):
            if case .string(let s) = instance, case let length = s.unicodeScalars.count, length < limit {
                fail("string is \(length) characters long; at least \(limit) required")
            }
        case .pattern(let pattern):
            if case .string(let s) = instance, !pattern.matches(s) { fail("\(Self.show(instance)) does not match the pattern \(pattern.source)") }
        case .maxItems(let limit):
            if case .array(let items) = instance, items.count > limit { fail("array has \(items.count) items; at most \(limit) allowed") }
        case .minItems(let limit):
            if case .array(let items) = instance, items.count < limit { fail("array has \(items.count) items; at least \(limit) required") }
        case .uniqueItems:
            guard case .array(let items) = instance else { return }
            outer: for i in items.indices {
                for j in items.indices where j > i && items[i].isJSONEqual(to: items[j]) {
                    fail("items \(i) and \(j) are equal; items must be unique")
                    break outer
                }
            }
        case .maxProperties(let limit):
            if case .object(let o) = instance, o.count > limit { fail("object has \(o.count) properties; at most \(limit) allowed") }
        case .minProperties(let limit):
            if case .object(let o) = instance, o.count < limit { fail("object has \(o.count) properties; at least \(limit) required") }
        case .required(let names):
            guard case .object(let object) = instance else { return }
            guard names.contains(where: { !object.contains($0) }) else { return }
            let missing = names.filter { !object.contains($0) }
            if !missing.isEmpty {
                fail("required \(missing.count == 1 ? "property" : "properties") \(missing.map { "\"\($0)\"" }.joined(separator: ", ")) missing")
            }
        case .dependentRequired(let dependencies):
            guard case .object(let object) = instance else { return }
            for (name, required) in dependencies where object[name] != nil {
                let missing = required.filter { object[$0] == nil }
                if !missing.isEmpty {
                    fail("property \"\(name)\" requires \(missing.map { "\"\($0)\"" }.joined(separator: ", ")), which \(missing.count == 1 ? "is" : "are") missing")
                }
            }
        case .format(let name, let assert):
            guard assert, case .string(let text) = instance, let check = FormatChecker.checks[name], !check(text) else { return }
            fail("\(Self.show(instance)) is not a valid \(name)")
        }
    }

    /// A value as JSON, shortened for messages.
    static func show(_ value: JSONValue) -> String {
        let text = value.serialized()
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}

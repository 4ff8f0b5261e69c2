/// Annotations that `unevaluatedItems` and `unevaluatedProperties` read: what adjacent keywords (and
/// successful in-place subschemas) have already evaluated.
struct Annotations {
    var properties: Set<String> = []
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

struct Outcome {
    var valid = true
    var errors: [ValidationError] = []
    var annotations = Annotations()

    /// Takes in a subschema's result: its failure (with errors) or, for subschemas applied to the same
    /// instance location (`inPlace`), its annotations. Annotations about a child's own members never
    /// describe the parent's.
    mutating func include(_ sub: Outcome, inPlace: Bool = true) {
        if sub.valid {
            if inPlace { annotations.merge(sub.annotations) }
        } else {
            valid = false
            errors += sub.errors
        }
    }
}

/// Evaluates one instance against a validator; holds the dynamic scope for `$dynamicRef`.
final class Evaluator {
    private struct Visit: Hashable {
        var node: Int
        var instance: String
    }

    private let nodes: [SchemaNode]
    private let resources: [SchemaResource]
    private var scope: [Int] = []
    private var active: Set<Visit> = []

    init(validator: Validator) {
        self.nodes = validator.nodes
        self.resources = validator.resources
    }

    func evaluate(_ id: Int, _ instance: JSONValue, instancePath: String, keywordPath: String) -> Outcome {
        let node = nodes[id]
        if let boolean = node.boolean {
            if boolean { return Outcome() }
            return failure("no value is allowed here (the schema is false)", instancePath, keywordPath, node.absoluteLocation)
        }
        let visit = Visit(node: id, instance: instancePath)
        guard active.insert(visit).inserted else {
            return failure(
                "the schema refers to itself without consuming any of the instance (infinite recursion)",
                instancePath, keywordPath, node.absoluteLocation
            )
        }
        let entersResource = scope.last != node.resource
        if entersResource { scope.append(node.resource) }
        defer {
            active.remove(visit)
            if entersResource { scope.removeLast() }
        }
        var outcome = Outcome()
        for keyword in node.keywords {
            apply(keyword, to: instance, node: node, instancePath: instancePath, keywordPath: keywordPath, outcome: &outcome)
        }
        if !outcome.valid { outcome.annotations = Annotations() }
        return outcome
    }

    private func failure(_ message: String, _ instancePath: String, _ keywordPath: String, _ absolute: String) -> Outcome {
        Outcome(
            valid: false,
            errors: [ValidationError(instanceLocation: instancePath, keywordLocation: keywordPath, absoluteKeywordLocation: absolute, message: message)]
        )
    }

    // swiftlint:disable:next function_body_length cyclomatic_complexity
    private func apply(
        _ keyword: Keyword, to instance: JSONValue, node: SchemaNode, instancePath: String, keywordPath: String,
        outcome: inout Outcome
    ) {
        let here = keywordPath + "/" + keyword.name
        let absolute = node.absoluteLocation + "/" + keyword.name
        func fail(_ message: String, at location: String? = nil) {
            outcome.valid = false
            outcome.errors.append(
                ValidationError(instanceLocation: location ?? instancePath, keywordLocation: here, absoluteKeywordLocation: absolute, message: message)
            )
        }
        func sub(_ id: Int, _ suffix: String = "", value: JSONValue? = nil, at path: String? = nil) -> Outcome {
            evaluate(id, value ?? instance, instancePath: path ?? instancePath, keywordPath: here + suffix)
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
            for (i, id) in list.enumerated() { outcome.include(sub(id, "/\(i)")) }
        case .anyOf(let list):
            let results = list.enumerated().map { sub($1, "/\($0)") }
            let passing = results.filter(\.valid)
            if passing.isEmpty {
                fail("matches none of the \(list.count) anyOf alternatives")
                outcome.errors += results.flatMap(\.errors)
            } else {
                for result in passing { outcome.annotations.merge(result.annotations) }
            }
        case .oneOf(let list):
            let results = list.enumerated().map { sub($1, "/\($0)") }
            let passing = results.enumerated().filter { $1.valid }
            if passing.count == 1 {
                outcome.annotations.merge(passing[0].element.annotations)
            } else if passing.isEmpty {
                fail("matches none of the \(list.count) oneOf alternatives")
                outcome.errors += results.flatMap(\.errors)
            } else {
                fail("matches \(passing.count) oneOf alternatives (\(passing.map { String($0.offset) }.joined(separator: ", "))); exactly one must match")
            }
        case .not(let id):
            if sub(id).valid { fail("must not match the schema in \"not\"") }
        case .conditional(let condition, let then, let otherwise):
            let test = evaluate(condition, instance, instancePath: instancePath, keywordPath: keywordPath + "/if")
            if test.valid {
                outcome.annotations.merge(test.annotations)
                if let then {
                    outcome.include(evaluate(then, instance, instancePath: instancePath, keywordPath: keywordPath + "/then"))
                }
            } else if let otherwise {
                outcome.include(evaluate(otherwise, instance, instancePath: instancePath, keywordPath: keywordPath + "/else"))
            }
        case .dependentSchemas(let map):
            guard case .object(let object) = instance else { return }
            for (name, id) in map where object[name] != nil {
                outcome.include(sub(id, "/" + JSONPointer.escape(name)))
            }
        case .prefixItems(let list):
            guard case .array(let items) = instance else { return }
            for (i, id) in list.enumerated() where i < items.count {
                outcome.include(sub(id, "/\(i)", value: items[i], at: "\(instancePath)/\(i)"), inPlace: false)
            }
            outcome.annotations.itemPrefix = max(outcome.annotations.itemPrefix, min(items.count, list.count))
        case .items(let id, let prefixCount):
            guard case .array(let items) = instance else { return }
            for i in items.indices where i >= prefixCount {
                outcome.include(sub(id, value: items[i], at: "\(instancePath)/\(i)"), inPlace: false)
            }
            outcome.annotations.allItems = true
        case .contains(let id, let minimum, let maximum):
            guard case .array(let items) = instance else { return }
            var matched: Set<Int> = []
            for (i, item) in items.enumerated() where sub(id, value: item, at: "\(instancePath)/\(i)").valid {
                matched.insert(i)
            }
            if matched.count < minimum {
                fail(minimum == 1 ? "no item matches the \"contains\" schema" : "only \(matched.count) items match the \"contains\" schema; at least \(minimum) must")
            } else if let maximum, matched.count > maximum {
                fail("\(matched.count) items match the \"contains\" schema; at most \(maximum) may")
            }
            outcome.annotations.items.formUnion(matched)
        case .properties(let map):
            guard case .object(let object) = instance else { return }
            for member in object {
                guard let id = map[member.key] else { continue }
                let token = JSONPointer.escape(member.key)
                outcome.include(sub(id, "/" + token, value: member.value, at: "\(instancePath)/\(token)"), inPlace: false)
                outcome.annotations.properties.insert(member.key)
            }
        case .patternProperties(let patterns):
            guard case .object(let object) = instance else { return }
            for member in object {
                let token = JSONPointer.escape(member.key)
                for (pattern, id) in patterns where pattern.matches(member.key) {
                    outcome.include(sub(id, "/" + JSONPointer.escape(pattern.source), value: member.value, at: "\(instancePath)/\(token)"), inPlace: false)
                    outcome.annotations.properties.insert(member.key)
                }
            }
        case .additionalProperties(let id, let known, let patterns):
            guard case .object(let object) = instance else { return }
            for member in object where !known.contains(member.key) && !patterns.contains(where: { $0.matches(member.key) }) {
                let path = "\(instancePath)/\(JSONPointer.escape(member.key))"
                let result = sub(id, value: member.value, at: path)
                if nodes[id].boolean == false {
                    if !result.valid { fail("property \"\(member.key)\" is not allowed (additionalProperties is false)", at: path) }
                } else {
                    outcome.include(result, inPlace: false)
                }
                outcome.annotations.properties.insert(member.key)
            }
        case .propertyNames(let id):
            guard case .object(let object) = instance else { return }
            for member in object {
                let result = sub(id, value: .string(member.key), at: "\(instancePath)/\(JSONPointer.escape(member.key))")
                if !result.valid {
                    fail("property name \"\(member.key)\" does not match propertyNames")
                    outcome.errors += result.errors
                }
            }
        case .unevaluatedItems(let id):
            guard case .array(let items) = instance else { return }
            let evaluated = outcome.annotations
            for i in items.indices where !evaluated.isItemEvaluated(i) {
                let result = sub(id, value: items[i], at: "\(instancePath)/\(i)")
                if nodes[id].boolean == false {
                    if !result.valid { fail("item \(i) is not allowed (unevaluatedItems is false)", at: "\(instancePath)/\(i)") }
                } else {
                    outcome.include(result, inPlace: false)
                }
            }
            outcome.annotations.allItems = true
        case .unevaluatedProperties(let id):
            guard case .object(let object) = instance else { return }
            let evaluated = outcome.annotations.properties
            for member in object where !evaluated.contains(member.key) {
                let path = "\(instancePath)/\(JSONPointer.escape(member.key))"
                let result = sub(id, value: member.value, at: path)
                if nodes[id].boolean == false {
                    if !result.valid { fail("property \"\(member.key)\" is not allowed (unevaluatedProperties is false)", at: path) }
                } else {
                    outcome.include(result, inPlace: false)
                }
                outcome.annotations.properties.insert(member.key)
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
            let missing = names.filter { object[$0] == nil }
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

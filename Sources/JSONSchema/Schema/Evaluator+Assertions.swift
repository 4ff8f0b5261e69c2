extension Evaluator {
    /// The assertions: `type`, `enum`, `const`, numbers, strings, item and property counts, `uniqueItems`, `required`, `dependentRequired` and `format`.
    mutating func applyAssertion(_ keyword: Keyword, to instance: JSONValue, node: SchemaNode, outcome: inout Outcome) {
        let keywordName = keyword.name
        switch keyword.kind {
        case .type(let names):
            let actual = instance.typeName
            if !(names.contains(actual) || (actual == "integer" && names.contains("number"))) {
                let expected = names.count == 1 ? names[0] : "one of " + names.joined(separator: ", ")
                fail("expected \(expected), got \(actual == "integer" ? "number" : actual) \(Self.show(instance))", keywordName, node, &outcome)
            }
        case .enumeration(let options):
            if !options.contains(where: { $0.isJSONEqual(to: instance) }) {
                fail("\(Self.show(instance)) is not one of \(Self.show(.array(options)))", keywordName, node, &outcome)
            }
        case .constant(let value):
            if !value.isJSONEqual(to: instance) { fail("expected \(Self.show(value)), got \(Self.show(instance))", keywordName, node, &outcome) }
        case .multipleOf(let divisor):
            if case .number(let n) = instance, !n.isMultiple(of: divisor) {
                fail("\(n) is not a multiple of \(divisor)", keywordName, node, &outcome)
            }
        case .maximum(let limit):
            if case .number(let n) = instance, n.compare(to: limit) > 0 {
                fail("\(n) is greater than the maximum \(limit)", keywordName, node, &outcome)
            }
        case .exclusiveMaximum(let limit):
            if case .number(let n) = instance, n.compare(to: limit) >= 0 { fail("\(n) must be less than \(limit)", keywordName, node, &outcome) }
        case .minimum(let limit):
            if case .number(let n) = instance, n.compare(to: limit) < 0 {
                fail("\(n) is less than the minimum \(limit)", keywordName, node, &outcome)
            }
        case .exclusiveMinimum(let limit):
            if case .number(let n) = instance, n.compare(to: limit) <= 0 { fail("\(n) must be greater than \(limit)", keywordName, node, &outcome) }
        case .maxLength(let limit):
            if case .string(let s) = instance, case let length = s.unicodeScalars.count, length > limit {
                fail("string is \(length) characters long; at most \(limit) allowed", keywordName, node, &outcome)
            }
        case .minLength(let limit):
            if case .string(let s) = instance, case let length = s.unicodeScalars.count, length < limit {
                fail("string is \(length) characters long; at least \(limit) required", keywordName, node, &outcome)
            }
        case .pattern(let pattern):
            if case .string(let s) = instance, !pattern.matches(s) {
                fail("\(Self.show(instance)) does not match the pattern \(pattern.source)", keywordName, node, &outcome)
            }
        case .maxItems(let limit):
            if case .array(let items) = instance, items.count > limit {
                fail("array has \(items.count) items; at most \(limit) allowed", keywordName, node, &outcome)
            }
        case .minItems(let limit):
            if case .array(let items) = instance, items.count < limit {
                fail("array has \(items.count) items; at least \(limit) required", keywordName, node, &outcome)
            }
        default:
            applyCollectionAssertion(keyword, to: instance, node: node, outcome: &outcome)
        }
    }

    /// The assertions on arrays' and objects' members: `uniqueItems`, property counts, `required`
    /// and `dependentRequired`; and `format`.
    private mutating func applyCollectionAssertion(_ keyword: Keyword, to instance: JSONValue, node: SchemaNode, outcome: inout Outcome) {
        let keywordName = keyword.name
        switch keyword.kind {
        case .uniqueItems:
            guard case .array(let items) = instance else { return }
            outer: for i in items.indices {
                for j in items.indices where j > i && items[i].isJSONEqual(to: items[j]) {
                    fail("items \(i) and \(j) are equal; items must be unique", keywordName, node, &outcome)
                    break outer
                }
            }
        case .maxProperties(let limit):
            if case .object(let o) = instance, o.count > limit {
                fail("object has \(o.count) properties; at most \(limit) allowed", keywordName, node, &outcome)
            }
        case .minProperties(let limit):
            if case .object(let o) = instance, o.count < limit {
                fail("object has \(o.count) properties; at least \(limit) required", keywordName, node, &outcome)
            }
        case .required(let names):
            guard case .object(let object) = instance else { return }
            guard names.contains(where: { !object.contains($0) }) else { return }
            let missing = names.filter { !object.contains($0) }
            if !missing.isEmpty {
                fail(
                    "required \(missing.count == 1 ? "property" : "properties") \(missing.map { "\"\($0)\"" }.joined(separator: ", ")) missing",
                    keywordName, node, &outcome)
            }
        case .dependentRequired(let dependencies):
            guard case .object(let object) = instance else { return }
            for (name, required) in dependencies where object[name] != nil {
                let missing = required.filter { object[$0] == nil }
                if !missing.isEmpty {
                    fail(
                        "property \"\(name)\" requires \(missing.map { "\"\($0)\"" }.joined(separator: ", ")), which \(missing.count == 1 ? "is" : "are") missing",
                        keywordName, node, &outcome)
                }
            }
        case .format(let name, let assert):
            guard assert, case .string(let text) = instance, let check = FormatChecker.checks[name], !check(text) else { return }
            fail("\(Self.show(instance)) is not a valid \(name)", keywordName, node, &outcome)
        default:
            preconditionFailure("\(keywordName) is not one of the keywords applyAssertion applies")
        }
    }
}

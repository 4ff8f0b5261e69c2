extension Evaluator {
    /// In-place applicators: references, `allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else`.
    mutating func applyLogic(_ keyword: Keyword, to instance: JSONValue, node: SchemaNode, outcome: inout Outcome) {
        let keywordName = keyword.name
        switch keyword.kind {
        case .ref(let target):
            outcome.include(sub(target, keywordName, instance))
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
            outcome.include(sub(resolved, keywordName, instance))
        case .allOf(let list):
            for (i, id) in list.enumerated() { outcome.include(sub(id, keywordName, instance, .index(i))) }
        case .anyOf(let list):
            let mark = errors.count
            var passed = false
            for (i, id) in list.enumerated() {
                let result = sub(id, keywordName, instance, .index(i))
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
                fail("matches none of the \(list.count) anyOf alternatives", keywordName, node, &outcome)
            }
        case .oneOf(let list):
            let mark = errors.count
            let results = list.enumerated().map { sub($1, keywordName, instance, .index($0)) }
            let passing = results.enumerated().filter { $1.valid }
            if passing.count == 1 {
                errors.removeSubrange(mark...)
                outcome.annotations.merge(passing[0].element.annotations)
            } else if passing.isEmpty {
                fail("matches none of the \(list.count) oneOf alternatives", keywordName, node, &outcome)
            } else {
                errors.removeSubrange(mark...)
                fail(
                    "matches \(passing.count) oneOf alternatives (\(passing.map { String($0.offset) }.joined(separator: ", "))); exactly one must match",
                    keywordName, node, &outcome)
            }
        case .not(let id):
            let mark = errors.count
            let matched = sub(id, keywordName, instance).valid
            errors.removeSubrange(mark...)
            if matched { fail("must not match the schema in \"not\"", keywordName, node, &outcome) }
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
        default:
            preconditionFailure("\(keywordName) is not one of the keywords applyLogic applies")
        }
    }
}

extension Evaluator {
    /// The applicators on arrays: `prefixItems`, `items`, `contains`, `unevaluatedItems`.
    mutating func applyArray(_ keyword: Keyword, to instance: JSONValue, node: SchemaNode, outcome: inout Outcome) {
        let keywordName = keyword.name
        switch keyword.kind {
        case .prefixItems(let list):
            guard case .array(let items) = instance else { return }
            for (i, id) in list.enumerated() where i < items.count {
                outcome.include(sub(id, keywordName, instance, .index(i), value: items[i], at: .index(i)), inPlace: false)
            }
            outcome.annotations.itemPrefix = max(outcome.annotations.itemPrefix, min(items.count, list.count))
        case .items(let id, let prefixCount):
            guard case .array(let items) = instance else { return }
            for i in items.indices where i >= prefixCount {
                outcome.include(sub(id, keywordName, instance, value: items[i], at: .index(i)), inPlace: false)
                if !outcome.valid && !collectsErrors { return }
            }
            outcome.annotations.allItems = true
        case .contains(let id, let minimum, let maximum):
            guard case .array(let items) = instance else { return }
            var matched: Set<Int> = []
            let mark = errors.count
            for (i, item) in items.enumerated() where sub(id, keywordName, instance, value: item, at: .index(i)).valid {
                matched.insert(i)
            }
            errors.removeSubrange(mark...)
            if matched.count < minimum {
                fail(
                    minimum == 1
                        ? "no item matches the \"contains\" schema"
                        : "only \(matched.count) items match the \"contains\" schema; at least \(minimum) must", keywordName, node, &outcome)
            } else if let maximum, matched.count > maximum {
                fail("\(matched.count) items match the \"contains\" schema; at most \(maximum) may", keywordName, node, &outcome)
            }
            outcome.annotations.items.formUnion(matched)
        case .unevaluatedItems(let id):
            guard case .array(let items) = instance else { return }
            let evaluated = outcome.annotations
            for i in items.indices where !evaluated.isItemEvaluated(i) {
                applyToLeftover(id, keywordName, node, value: items[i], at: .index(i), what: "item \(i)", &outcome)
            }
            outcome.annotations.allItems = true
        default:
            preconditionFailure("\(keywordName) is not one of the keywords applyArray applies")
        }
    }
}

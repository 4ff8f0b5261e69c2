extension Evaluator {
    /// The applicators on objects: `properties` and its kin, `dependentSchemas`, `propertyNames`, `unevaluatedProperties`.
    mutating func applyObject(_ keyword: Keyword, to instance: JSONValue, node: SchemaNode, outcome: inout Outcome) {
        let keywordName = keyword.name
        switch keyword.kind {
        case .dependentSchemas(let map):
            guard case .object(let object) = instance else { return }
            for (name, id) in map where object[name] != nil {
                outcome.include(sub(id, keywordName, instance, .key(name)))
            }
        case .properties(let map):
            guard case .object(let object) = instance else { return }
            // Walk whichever side is smaller: the schema's names or the instance's members.
            if map.count < object.count {
                for (name, id) in map {
                    let key = name.string
                    guard let value = object[key] else { continue }
                    outcome.include(sub(id, keywordName, instance, .key(key), value: value, at: .key(key)), inPlace: false)
                    if collectsAnnotations { outcome.annotations.properties.insert(name) }
                    if !outcome.valid && !collectsErrors { return }
                }
            } else {
                for member in object {
                    guard let id = map[JSONKey(member.key)] else { continue }
                    outcome.include(sub(id, keywordName, instance, .key(member.key), value: member.value, at: .key(member.key)), inPlace: false)
                    if collectsAnnotations { outcome.annotations.properties.insert(JSONKey(member.key)) }
                    if !outcome.valid && !collectsErrors { return }
                }
            }
        case .patternProperties(let patterns):
            guard case .object(let object) = instance else { return }
            for member in object {
                for (pattern, id) in patterns where pattern.matches(member.key) {
                    outcome.include(sub(id, keywordName, instance, .key(pattern.source), value: member.value, at: .key(member.key)), inPlace: false)
                    if collectsAnnotations { outcome.annotations.properties.insert(JSONKey(member.key)) }
                }
            }
        case .additionalProperties(let id, let known, let patterns):
            guard case .object(let object) = instance else { return }
            for member in object where !known.contains(JSONKey(member.key)) && !patterns.contains(where: { $0.matches(member.key) }) {
                applyToLeftover(
                    id, keywordName, node, value: member.value, at: .key(member.key), what: "property \"\(member.key)\"", &outcome
                )
                if collectsAnnotations { outcome.annotations.properties.insert(JSONKey(member.key)) }
            }
        case .propertyNames(let id):
            guard case .object(let object) = instance else { return }
            for member in object {
                let result = sub(id, keywordName, instance, value: .string(member.key), at: .key(member.key))
                if !result.valid {
                    fail("property name \"\(member.key)\" does not match propertyNames", keywordName, node, at: .key(member.key), &outcome)
                }
            }
        case .unevaluatedProperties(let id):
            guard case .object(let object) = instance else { return }
            let evaluated = outcome.annotations.properties
            for member in object where !evaluated.contains(JSONKey(member.key)) {
                applyToLeftover(
                    id, keywordName, node, value: member.value, at: .key(member.key), what: "property \"\(member.key)\"", &outcome
                )
                outcome.annotations.properties.insert(JSONKey(member.key))
            }
        default:
            preconditionFailure("\(keywordName) is not one of the keywords applyObject applies")
        }
    }
}

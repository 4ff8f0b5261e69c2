/// One compiled keyword of a schema node. Subschemas are indices into the validator's node arena.
struct Keyword: Sendable {
    indirect enum Kind: Sendable {
        case ref(Int)
        case dynamicRef(target: Int, anchor: String?)
        case allOf([Int])
        case anyOf([Int])
        case oneOf([Int])
        case not(Int)
        case conditional(if: Int, then: Int?, else: Int?)
        case dependentSchemas([(String, Int)])
        case prefixItems([Int])
        case items(Int, prefixCount: Int)
        case contains(Int, min: Int, max: Int?)
        case properties([JSONKey: Int])
        case patternProperties([(PatternRegex, Int)])
        case additionalProperties(Int, properties: Set<JSONKey>, patterns: [PatternRegex])
        case propertyNames(Int)
        case unevaluatedItems(Int)
        case unevaluatedProperties(Int)
        case type([String])
        case enumeration([JSONValue])
        case constant(JSONValue)
        case multipleOf(JSONNumber)
        case maximum(JSONNumber)
        case exclusiveMaximum(JSONNumber)
        case minimum(JSONNumber)
        case exclusiveMinimum(JSONNumber)
        case maxLength(Int)
        case minLength(Int)
        case pattern(PatternRegex)
        case maxItems(Int)
        case minItems(Int)
        case uniqueItems
        case maxProperties(Int)
        case minProperties(Int)
        case required([String])
        case dependentRequired([(String, [String])])
        case format(String, assert: Bool)
    }

    /// The keyword's name as written in the schema (`properties`, `$ref`, ...).
    let name: String
    let kind: Kind

    /// Every node the keyword may evaluate.
    var subschemas: [Int] {
        switch kind {
        case .ref(let id), .not(let id), .items(let id, _), .contains(let id, _, _), .additionalProperties(let id, _, _),
            .propertyNames(let id), .unevaluatedItems(let id), .unevaluatedProperties(let id):
            return [id]
        case .dynamicRef(let id, _): return [id]
        case .allOf(let list), .anyOf(let list), .oneOf(let list), .prefixItems(let list): return list
        case .conditional(let condition, let then, let otherwise): return [condition] + [then, otherwise].compactMap { $0 }
        case .dependentSchemas(let map): return map.map(\.1)
        case .properties(let map): return Array(map.values)
        case .patternProperties(let list): return list.map(\.1)
        default: return []
        }
    }
}

/// A compiled ECMA-262 pattern. Swift `Regex` values are immutable once built; matching does not
/// mutate them, so sharing one across threads is safe.
struct PatternRegex: @unchecked Sendable {
    let source: String
    /// The fast matcher, for patterns within its subset.
    let simple: SimplePattern?
    let regex: Regex<AnyRegexOutput>?

    init(_ source: String) throws {
        self.source = source
        self.simple = SimplePattern.parse(source)
        // ECMA-262 semantics: \d and \w are ASCII-only, and matching is by code point, not by
        // grapheme cluster.
        self.regex =
            simple != nil
            ? nil
            : try Regex(ECMAPattern.translate(source))
                .asciiOnlyDigits()
                .asciiOnlyWordCharacters()
                .matchingSemantics(.unicodeScalar)
    }

    func matches(_ text: String) -> Bool {
        if let simple { return simple.matches(text) }
        return (try? regex?.firstMatch(in: text)) != nil
    }
}

/// A node of the compiled schema: a boolean schema or an object schema's keywords.
struct SchemaNode: Sendable {
    var boolean: Bool?
    var keywords: [Keyword]
    /// `URI#/pointer` of this subschema, for `absoluteKeywordLocation`.
    var absoluteLocation: String
    /// The schema resource the node belongs to (dynamic scope).
    var resource: Int
}

/// A schema resource (a document root or a subschema with `$id`): its URI and dynamic anchors.
struct SchemaResource: Sendable {
    var uri: String
    var dynamicAnchors: [String: Int]
}

/// Turns schema documents into the node arena of a ``Validator``.
///
/// Indexing walks every schema position of a document (only keywords that hold subschemas, so an `$id`
/// inside `const` is not an identifier) and records each position under every URI that names it:
/// `base#/json/pointer` from each enclosing resource, `base#anchor` for `$anchor` and `$dynamicAnchor`.
/// Compilation then turns each position's keywords into a ``SchemaNode``, resolving references through
/// the index; documents from the registry and JSON-pointer targets outside schema positions are indexed
/// on demand.
final class SchemaCompiler {
    private struct Source {
        var json: JSONValue
        var base: URIReference
        var vocabularies: Vocabularies
        var children: [JSONKey: Int]
    }

    private let registry: SchemaRegistry
    private let formatAssertion: Bool
    private(set) var nodes: [SchemaNode] = []
    private(set) var resources: [SchemaResource] = []
    private var sources: [Source] = []
    private var compiledCount = 0
    // Keyed by code points: pointers through "é" and "e\u{301}" name different schemas.
    private var index: [JSONKey: Int] = [:]
    private var resourceByURI: [String: (resource: Int, json: JSONValue, vocabularies: Vocabularies)] = [:]

    init(registry: SchemaRegistry, formatAssertion: Bool) {
        self.registry = registry
        self.formatAssertion = formatAssertion
    }

    /// Compiles `document`, retrieved from `uri`, and everything it references. Returns its root node.
    /// Calling it again compiles only what the new document adds: referenced documents compiled by an
    /// earlier call are reused.
    func compile(_ document: JSONValue, uri: String) throws(SchemaError) -> Int {
        let root = try indexDocument(document, uri: URIReference(uri).withoutFragment)
        while compiledCount < nodes.count {
            try compileNode(compiledCount)
            compiledCount += 1
        }
        return root
    }

    // MARK: - Indexing

    private func indexDocument(_ json: JSONValue, uri: URIReference) throws(SchemaError) -> Int {
        let vocabularies = try vocabularies(of: json, at: uri.description + "#")
        let resource = newResource(uri.description, json: json, vocabularies: vocabularies)
        return try indexSchema(json, locations: [(uri, "")], resource: resource, vocabularies: vocabularies)
    }

    private func newResource(_ uri: String, json: JSONValue, vocabularies: Vocabularies) -> Int {
        if let existing = resourceByURI[uri] { return existing.resource }
        resources.append(SchemaResource(uri: uri, dynamicAnchors: [:]))
        resourceByURI[uri] = (resources.count - 1, json, vocabularies)
        return resources.count - 1
    }

    private func indexSchema(
        _ json: JSONValue, locations: [(URIReference, String)], resource: Int, vocabularies: Vocabularies
    ) throws(SchemaError) -> Int {
        var locations = locations
        var resource = resource
        var vocabularies = vocabularies
        if case .object(let object) = json, case .string(let idText)? = object["$id"] {
            let current = locations[locations.count - 1]
            let newBase = current.0.resolving(URIReference(idText)).withoutFragment
            if newBase != current.0 || !current.1.isEmpty {
                if object["$schema"] != nil { vocabularies = try self.vocabularies(of: json, at: "\(newBase)#") }
                resource = newResource(newBase.description, json: json, vocabularies: vocabularies)
                locations.append((newBase, ""))
            }
        }
        let (base, pointer) = locations[locations.count - 1]
        let id = nodes.count
        nodes.append(SchemaNode(boolean: nil, keywords: [], absoluteLocation: "\(base)#\(pointer)", resource: resource))
        sources.append(Source(json: json, base: base, vocabularies: vocabularies, children: [:]))
        for (uri, path) in locations where index[JSONKey("\(uri)#\(path)")] == nil {
            index[JSONKey("\(uri)#\(path)")] = id
        }
        guard case .object(let object) = json else { return id }

        if case .string(let anchor)? = object["$anchor"] { index[JSONKey("\(base)#\(anchor)"), default: id] = id }
        if case .string(let anchor)? = object["$dynamicAnchor"] {
            index[JSONKey("\(base)#\(anchor)"), default: id] = id
            if resources[resource].dynamicAnchors[anchor] == nil { resources[resource].dynamicAnchors[anchor] = id }
        }

        func child(_ value: JSONValue, _ suffix: String) throws(SchemaError) {
            let childLocations = locations.map { ($0.0, $0.1 + "/" + suffix) }
            let childID = try indexSchema(value, locations: childLocations, resource: resource, vocabularies: vocabularies)
            sources[id].children[JSONKey(suffix)] = childID
        }
        for member in object {
            let key = JSONPointer.escape(member.key)
            switch member.key {
            case "additionalProperties", "propertyNames", "items", "contains", "not", "if", "then", "else",
                "unevaluatedItems", "unevaluatedProperties", "contentSchema":
                try child(member.value, key)
            case "allOf", "anyOf", "oneOf", "prefixItems":
                if case .array(let items) = member.value {
                    for (i, item) in items.enumerated() { try child(item, "\(key)/\(i)") }
                }
            case "properties", "patternProperties", "$defs", "definitions", "dependentSchemas":
                if case .object(let map) = member.value {
                    for entry in map { try child(entry.value, "\(key)/\(JSONPointer.escape(entry.key))") }
                }
            default:
                break
            }
        }
        return id
    }

    private func vocabularies(of json: JSONValue, at location: String) throws(SchemaError) -> Vocabularies {
        guard case .string(let metaURI)? = json["$schema"] else { return .draft202012 }
        let meta = URIReference(metaURI).withoutFragment.description
        if meta == "https://json-schema.org/draft/2020-12/schema" { return .draft202012 }
        if Vocabularies.earlierDrafts.contains(meta) { return .draft202012 }
        guard let document = registry.document(at: meta) else {
            throw SchemaError(
                code: .unknownMetaSchema,
                message:
                    "$schema names \(metaURI), which is not a known meta-schema; add it to the registry (--ref-dir) or use https://json-schema.org/draft/2020-12/schema",
                location: location + "/$schema"
            )
        }
        guard case .object(let declared)? = document["$vocabulary"] else { return .draft202012 }
        var result: Vocabularies = []
        for member in declared { result.formUnion(Vocabularies.byURI[member.key] ?? []) }
        return result
    }

    // MARK: - Reference resolution

    /// The node a URI names, indexing registry documents and pointer targets as needed.
    private func resolve(_ reference: String, from base: URIReference, at location: String) throws(SchemaError) -> Int {
        do {
            return try resolveExactly(reference, from: base, at: location)
        } catch {
            // A relative reference that names nothing beside its schema is looked up in the registry's
            // folders (`--ref-dir`), as a search path, before giving up.
            guard URIReference(reference).scheme == nil, !reference.hasPrefix("#") else { throw error }
            for folder in registry.folderBases {
                if let id = try? resolveExactly(reference, from: folder, at: location) { return id }
            }
            throw error
        }
    }

    private func resolveExactly(_ reference: String, from base: URIReference, at location: String) throws(SchemaError) -> Int {
        var target = base.resolving(URIReference(reference))
        let fragment = percentDecoded(target.fragment ?? "")
        target.fragment = nil
        let documentURI = target.description
        let key = "\(documentURI)#\(fragment)"
        if let id = index[JSONKey(key)] { return id }
        if resourceByURI[documentURI] == nil, let document = registry.document(at: documentURI) {
            _ = try indexDocument(document, uri: target)
            if let id = index[JSONKey(key)] { return id }
        }
        if let root = resourceByURI[documentURI], fragment.isEmpty || fragment.hasPrefix("/"),
            let value = JSONPointer.resolve(fragment, in: root.json)
        {
            return try indexSchema(value, locations: [(target, fragment)], resource: root.resource, vocabularies: root.vocabularies)
        }
        throw SchemaError(
            code: .unresolvableReference,
            message:
                "cannot resolve \(reference) (\(key)); add the schema it names to the registry (--ref-dir names a folder searched for relative references) or fix the reference",
            location: location
        )
    }

    private func percentDecoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.first {
            utf8 = utf8.dropFirst()
            if byte == UInt8(ascii: "%"), utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Keywords

    private func compileNode(_ id: Int) throws(SchemaError) {
        let source = sources[id]
        let here = nodes[id].absoluteLocation
        switch source.json {
        case .bool(let value):
            nodes[id].boolean = value
            return
        case .object:
            break
        default:
            throw SchemaError(code: .invalidKeyword, message: "a schema must be an object or a boolean", location: here)
        }
        guard case .object(let object) = source.json else { return }
        var builder = KeywordBuilder(object: object, location: here, children: source.children)
        let vocab = source.vocabularies
        var keywords: [Keyword] = []

        if let ref = try builder.string("$ref") {
            keywords.append(Keyword(name: "$ref", kind: .ref(try resolve(ref, from: source.base, at: here + "/$ref"))))
        }
        if let ref = try builder.string("$dynamicRef") {
            let target = try resolve(ref, from: source.base, at: here + "/$dynamicRef")
            let name = URIReference(ref).fragment.flatMap { $0.isEmpty || $0.hasPrefix("/") ? nil : $0 }
            let bookended = name.map { resources[nodes[target].resource].dynamicAnchors[$0] == target } ?? false
            keywords.append(Keyword(name: "$dynamicRef", kind: .dynamicRef(target: target, anchor: bookended ? name : nil)))
        }
        if vocab.contains(.applicator) { keywords += try builder.applicators() }
        if vocab.contains(.validation) { keywords += try builder.assertions() }
        if let format = try builder.string("format"), vocab.contains(.formatAnnotation) || vocab.contains(.formatAssertion) {
            keywords.append(Keyword(name: "format", kind: .format(format, assert: formatAssertion || vocab.contains(.formatAssertion))))
        }
        if vocab.contains(.unevaluated) {
            if let items = builder.child("unevaluatedItems") { keywords.append(Keyword(name: "unevaluatedItems", kind: .unevaluatedItems(items))) }
            if let props = builder.child("unevaluatedProperties") {
                keywords.append(Keyword(name: "unevaluatedProperties", kind: .unevaluatedProperties(props)))
            }
        }
        nodes[id].keywords = keywords
    }
}

/// Reads and type-checks the keywords of one schema object.
private struct KeywordBuilder {
    let object: JSONObject
    let location: String
    let children: [JSONKey: Int]

    func fail(_ keyword: String, _ expected: String) -> SchemaError {
        SchemaError(code: .invalidKeyword, message: "\(keyword) must be \(expected)", location: "\(location)/\(JSONPointer.escape(keyword))")
    }

    func child(_ suffix: String) -> Int? { children[JSONKey(suffix)] }

    func string(_ keyword: String) throws(SchemaError) -> String? {
        guard let value = object[keyword] else { return nil }
        guard case .string(let text) = value else { throw fail(keyword, "a string") }
        return text
    }

    func number(_ keyword: String) throws(SchemaError) -> JSONNumber? {
        guard let value = object[keyword] else { return nil }
        guard case .number(let n) = value else { throw fail(keyword, "a number") }
        return n
    }

    func count(_ keyword: String) throws(SchemaError) -> Int? {
        guard let value = object[keyword] else { return nil }
        guard case .number(let n) = value, n.isInteger, n.compare(to: JSONNumber(0)) >= 0 else {
            throw fail(keyword, "a non-negative integer")
        }
        return n.intValue ?? Int(n.doubleValue.clamped(to: 0...Double(Int.max / 2)))
    }

    func schemaList(_ keyword: String) throws(SchemaError) -> [Int]? {
        guard let value = object[keyword] else { return nil }
        guard case .array(let items) = value, !items.isEmpty else { throw fail(keyword, "a non-empty array of schemas") }
        return items.indices.compactMap { children[JSONKey("\(keyword)/\($0)")] }
    }

    func schemaMap(_ keyword: String) throws(SchemaError) -> [(String, Int)]? {
        guard let value = object[keyword] else { return nil }
        guard case .object(let map) = value else { throw fail(keyword, "an object of schemas") }
        return map.compactMap { member in children[JSONKey("\(keyword)/\(JSONPointer.escape(member.key))")].map { (member.key, $0) } }
    }

    func regex(_ source: String, keyword: String) throws(SchemaError) -> PatternRegex {
        do {
            return try PatternRegex(source)
        } catch {
            throw SchemaError(
                code: .invalidRegex, message: "'\(source)' is not a valid regular expression: \(error)",
                location: "\(location)/\(JSONPointer.escape(keyword))"
            )
        }
    }

    mutating func applicators() throws(SchemaError) -> [Keyword] {
        var keywords: [Keyword] = []
        if let list = try schemaList("allOf") { keywords.append(Keyword(name: "allOf", kind: .allOf(list))) }
        if let list = try schemaList("anyOf") { keywords.append(Keyword(name: "anyOf", kind: .anyOf(list))) }
        if let list = try schemaList("oneOf") { keywords.append(Keyword(name: "oneOf", kind: .oneOf(list))) }
        if let not = child("not") { keywords.append(Keyword(name: "not", kind: .not(not))) }
        if let condition = child("if") {
            keywords.append(Keyword(name: "if", kind: .conditional(if: condition, then: child("then"), else: child("else"))))
        }
        if let map = try schemaMap("dependentSchemas") { keywords.append(Keyword(name: "dependentSchemas", kind: .dependentSchemas(map))) }
        var prefixCount = 0
        if let list = try schemaList("prefixItems") {
            prefixCount = list.count
            keywords.append(Keyword(name: "prefixItems", kind: .prefixItems(list)))
        }
        if let items = child("items") { keywords.append(Keyword(name: "items", kind: .items(items, prefixCount: prefixCount))) }
        if let contains = child("contains") {
            let minimum = try count("minContains") ?? 1
            let maximum = try count("maxContains")
            keywords.append(Keyword(name: "contains", kind: .contains(contains, min: minimum, max: maximum)))
        }
        var propertyNames = Set<JSONKey>()
        if let map = try schemaMap("properties") {
            propertyNames = Set(map.map { JSONKey($0.0) })
            keywords.append(
                Keyword(name: "properties", kind: .properties(Dictionary(map.map { (JSONKey($0.0), $0.1) }, uniquingKeysWith: { a, _ in a }))))
        }
        var patterns: [PatternRegex] = []
        if let map = try schemaMap("patternProperties") {
            var compiled: [(PatternRegex, Int)] = []
            for (source, node) in map { compiled.append((try regex(source, keyword: "patternProperties"), node)) }
            patterns = compiled.map(\.0)
            keywords.append(Keyword(name: "patternProperties", kind: .patternProperties(compiled)))
        }
        if let additional = child("additionalProperties") {
            keywords.append(
                Keyword(name: "additionalProperties", kind: .additionalProperties(additional, properties: propertyNames, patterns: patterns))
            )
        }
        if let names = child("propertyNames") { keywords.append(Keyword(name: "propertyNames", kind: .propertyNames(names))) }
        return keywords
    }

    func assertions() throws(SchemaError) -> [Keyword] {
        var keywords: [Keyword] = []
        if let value = object["type"] {
            let valid = ["null", "boolean", "object", "array", "number", "string", "integer"]
            let names: [String]
            switch value {
            case .string(let name): names = [name]
            case .array(let items): names = items.compactMap(\.stringValue)
            default: throw fail("type", "a type name or an array of type names")
            }
            guard names.allSatisfy(valid.contains), case let count = (value.arrayValue?.count ?? 1), count == names.count else {
                throw fail("type", "one of \(valid.joined(separator: ", ")) (or an array of them)")
            }
            keywords.append(Keyword(name: "type", kind: .type(names)))
        }
        if let value = object["enum"] {
            guard case .array(let options) = value else { throw fail("enum", "an array") }
            keywords.append(Keyword(name: "enum", kind: .enumeration(options)))
        }
        if let value = object["const"] { keywords.append(Keyword(name: "const", kind: .constant(value))) }
        if let n = try number("multipleOf") {
            guard n.compare(to: JSONNumber(0)) > 0 else { throw fail("multipleOf", "a number greater than 0") }
            keywords.append(Keyword(name: "multipleOf", kind: .multipleOf(n)))
        }
        if let n = try number("maximum") { keywords.append(Keyword(name: "maximum", kind: .maximum(n))) }
        if let n = try number("exclusiveMaximum") { keywords.append(Keyword(name: "exclusiveMaximum", kind: .exclusiveMaximum(n))) }
        if let n = try number("minimum") { keywords.append(Keyword(name: "minimum", kind: .minimum(n))) }
        if let n = try number("exclusiveMinimum") { keywords.append(Keyword(name: "exclusiveMinimum", kind: .exclusiveMinimum(n))) }
        if let n = try count("maxLength") { keywords.append(Keyword(name: "maxLength", kind: .maxLength(n))) }
        if let n = try count("minLength") { keywords.append(Keyword(name: "minLength", kind: .minLength(n))) }
        if let source = try string("pattern") { keywords.append(Keyword(name: "pattern", kind: .pattern(try regex(source, keyword: "pattern")))) }
        if let n = try count("maxItems") { keywords.append(Keyword(name: "maxItems", kind: .maxItems(n))) }
        if let n = try count("minItems") { keywords.append(Keyword(name: "minItems", kind: .minItems(n))) }
        if let value = object["uniqueItems"] {
            guard case .bool(let unique) = value else { throw fail("uniqueItems", "true or false") }
            if unique { keywords.append(Keyword(name: "uniqueItems", kind: .uniqueItems)) }
        }
        if let n = try count("maxProperties") { keywords.append(Keyword(name: "maxProperties", kind: .maxProperties(n))) }
        if let n = try count("minProperties") { keywords.append(Keyword(name: "minProperties", kind: .minProperties(n))) }
        if let value = object["required"] {
            guard case .array(let items) = value, case let names = items.compactMap(\.stringValue), names.count == items.count else {
                throw fail("required", "an array of property names")
            }
            keywords.append(Keyword(name: "required", kind: .required(names)))
        }
        if let value = object["dependentRequired"] {
            guard case .object(let map) = value else { throw fail("dependentRequired", "an object of property-name arrays") }
            var dependencies: [(String, [String])] = []
            for member in map {
                guard case .array(let items) = member.value, case let names = items.compactMap(\.stringValue), names.count == items.count else {
                    throw fail("dependentRequired", "an object of property-name arrays")
                }
                dependencies.append((member.key, names))
            }
            keywords.append(Keyword(name: "dependentRequired", kind: .dependentRequired(dependencies)))
        }
        return keywords
    }
}

extension Double {
    fileprivate func clamped(to range: ClosedRange<Double>) -> Double { Swift.min(Swift.max(self, range.lowerBound), range.upperBound) }
}

import JSONSchema

/// The contracts: every operation with its request and response schemas, compiled and ready to check
/// exchanges.
///
/// Load it from the copy compiled into fakepbx (``ContractCatalog/embedded()``) or from a folder with
/// the same layout as the repository's `Contracts/` (`catalog.json`, `schemas/`, `cases/`).
public struct ContractCatalog: Sendable {
    /// The URI schema files are registered under; `.invalid` never resolves, so nothing is fetched.
    public static let baseURI = "https://fakepbx.invalid/contracts/"
    public static let format = "fakepbx-contracts/1"

    /// A header rule: the header's value must match `pattern`.
    public struct HeaderRule: Sendable, Hashable {
        /// When the rule applies.
        public enum When: String, Sendable, Hashable {
            /// The header is required.
            case always
            /// Required when the request has a body.
            case body
            /// Checked only when the header is there.
            case present
        }

        public let name: String
        public let pattern: String
        public let when: When
        public let hint: String
    }

    public let files: ContractFiles
    public let title: String
    public let description: String
    public let operations: [ContractOperation]
    /// Statuses an operation may answer with its `default` (error) schema.
    public let errorStatuses: [Int]
    public let requestHeaders: [HeaderRule]
    /// Rules for the headers of every answer (the documented X-RateLimit-* headers).
    public let responseHeaders: [HeaderRule]
    /// Documented limits per class: requests per window of seconds.
    public let rateLimits: [String: (limit: Int, seconds: Int)]
    let defaultResponses: [String: [String: String?]]
    let validators: [String: Validator]
    /// Header patterns compiled as JSON Schema `pattern`s (ECMA-262, like the schemas).
    let headerPatterns: [String: Validator]
    let byPath: [String: [Int]]

    /// The contracts compiled into fakepbx.
    public static func embedded() throws(ContractError) -> ContractCatalog {
        try ContractCatalog(files: .embedded)
    }

    /// The contracts in `folder`, or the embedded ones when `folder` is `nil`.
    public static func load(folder: String?) throws(ContractError) -> ContractCatalog {
        try ContractCatalog(files: folder.map { path throws(ContractError) in try ContractFiles.folder(path) } ?? .embedded)
    }

    /// Reads and compiles a set of contract files.
    /// - Throws: ``ContractError`` naming the file and JSON pointer of the first problem.
    public init(files: ContractFiles) throws(ContractError) {
        self.files = files
        let file = files.displayPath("catalog.json")
        let root = JSONReader(try files.document("catalog.json"), file: file, code: .invalidContracts)
        try root.rejectUnknown(["format", "title", "description", "defaults", "rateLimitClasses", "operations"])
        let format = try root.required("format").string()
        guard format == ContractCatalog.format else {
            throw root.error("format '\(format)' is not supported; expected '\(ContractCatalog.format)'", at: "format")
        }
        title = try root.member("title")?.string() ?? "API contracts"
        description = try root.member("description")?.string() ?? ""

        let defaults = try root.member("defaults")
        try defaults?.rejectUnknown(["methods", "requestHeaders", "responseHeaders", "responses", "errorStatuses"])
        let defaultMethods = try defaults?.member("methods")?.strings() ?? ["POST"]
        errorStatuses = try (defaults?.member("errorStatuses")?.array() ?? []).map { reader throws(ContractError) in try reader.int() }
        defaultResponses = try defaults?.member("responses").map(ContractCatalog.readResponses) ?? [:]
        var patterns: [String: Validator] = [:]
        requestHeaders = try ContractCatalog.readHeaderRules(defaults?.member("requestHeaders"), into: &patterns)
        responseHeaders = try ContractCatalog.readHeaderRules(defaults?.member("responseHeaders"), into: &patterns)
        headerPatterns = patterns

        var limits: [String: (limit: Int, seconds: Int)] = [:]
        for (name, limit) in try root.member("rateLimitClasses")?.members() ?? [] {
            limits[name] = (try limit.required("limit").int(), try limit.required("seconds").int())
        }
        rateLimits = limits

        var operations: [ContractOperation] = []
        var seen: Set<String> = []
        for reader in try root.required("operations").array() {
            let operation = try ContractCatalog.readOperation(reader, defaultMethods: defaultMethods)
            guard seen.insert(operation.id).inserted else {
                throw reader.error("operation id '\(operation.id)' is used twice; ids must be unique", at: "id")
            }
            if !limits.isEmpty, limits[operation.rateLimitClass] == nil {
                throw reader.error(
                    "rateLimitClass '\(operation.rateLimitClass)' is not declared; expected one of: \(limits.keys.sorted().joined(separator: ", "))",
                    at: "rateLimitClass"
                )
            }
            operations.append(operation)
        }
        self.operations = operations

        var byPath: [String: [Int]] = [:]
        for (index, operation) in operations.enumerated() {
            for path in operation.paths { byPath[path, default: []].append(index) }
        }
        self.byPath = byPath
        validators = try ContractCatalog.compile(operations, defaults: defaultResponses, files: files)
    }

    private static func readHeaderRules(
        _ reader: JSONReader?, into patterns: inout [String: Validator]
    ) throws(ContractError) -> [HeaderRule] {
        var rules: [HeaderRule] = []
        for (name, rule) in try reader?.members() ?? [] {
            try rule.rejectUnknown(["pattern", "when", "hint"])
            let pattern = try rule.required("pattern").string()
            do {
                patterns[pattern] = try Validator(schema: ["type": "string", "pattern": .string(pattern)])
            } catch {
                throw rule.error("'\(pattern)' is not a valid regular expression: \(error)", at: "pattern")
            }
            let whenText = try rule.member("when")?.string() ?? "always"
            guard let when = HeaderRule.When(rawValue: whenText) else {
                throw rule.error("when '\(whenText)' is not valid; expected always, body or present", at: "when")
            }
            rules.append(HeaderRule(name: name, pattern: pattern, when: when, hint: try rule.member("hint")?.string() ?? ""))
        }
        return rules
    }

    /// Violations of header rules, for headers by lower-case name.
    func headerViolations(_ rules: [HeaderRule], headers: [String: String], hasBody: Bool, subject: ContractViolation.Subject) -> [ContractViolation]
    {
        var violations: [ContractViolation] = []
        for rule in rules {
            let value = headers[rule.name.lowercased()]
            switch rule.when {
            case .present where value == nil, .body where !hasBody: continue
            default: break
            }
            if value.map({ headerPatterns[rule.pattern]?.isValid(.string($0)) ?? true }) == true { continue }
            let hint = rule.hint.isEmpty ? "" : "; \(rule.hint)"
            violations.append(
                ContractViolation(
                    subject: subject, pointer: rule.name, rule: "\(subject == .request ? "requestHeaders" : "responseHeaders")/\(rule.name)",
                    message: value == nil ? "the \(rule.name) header is missing\(hint)" : "\(rule.name) does not match \(rule.pattern)\(hint)",
                    value: value
                ))
        }
        return violations
    }

    private static func readResponses(_ reader: JSONReader) throws(ContractError) -> [String: [String: String?]] {
        var responses: [String: [String: String?]] = [:]
        for (status, spec) in try reader.members() {
            guard status == "default" || (Int(status).map { (100...599).contains($0) } ?? false) else {
                throw reader.error("'\(status)' is not an HTTP status; expected a number such as \"200\", or \"default\"", at: status)
            }
            if case .string(let ref) = spec.value {
                responses[status] = ["application/json": ref]
            } else {
                var byType: [String: String?] = [:]
                for (mediaType, schema) in try spec.members() {
                    byType[mediaType.lowercased()] = schema.value == .null ? .some(nil) : try schema.string()
                }
                responses[status] = byType
            }
        }
        return responses
    }

    private static func readOperation(_ reader: JSONReader, defaultMethods: [String]) throws(ContractError) -> ContractOperation {
        try reader.rejectUnknown([
            "id", "summary", "path", "aliases", "methods", "match", "rateLimitClass", "provenance", "source", "writes",
            "request", "responses",
        ])
        let provenanceText = try reader.required("provenance").string()
        guard let provenance = ContractOperation.Provenance(rawValue: provenanceText) else {
            throw reader.error("provenance '\(provenanceText)' is not valid; expected documented, inferred or recorded", at: "provenance")
        }
        let path = try reader.required("path").string()
        guard path.hasPrefix("/") else { throw reader.error("the path must start with '/'", at: "path") }
        return ContractOperation(
            id: try reader.required("id").string(),
            summary: try reader.member("summary")?.string() ?? "",
            path: path,
            aliases: try reader.member("aliases")?.strings() ?? [],
            methods: (try reader.member("methods")?.strings() ?? defaultMethods).map { $0.uppercased() },
            match: try reader.member("match")?.stringMap() ?? [:],
            rateLimitClass: try reader.member("rateLimitClass")?.string() ?? "standard",
            provenance: provenance,
            source: try reader.member("source")?.string() ?? "",
            writes: try reader.member("writes")?.bool() ?? false,
            requestSchema: try reader.required("request").string(),
            responses: try readResponses(try reader.required("responses"))
        )
    }

    /// Compiles every schema the operations name, once each, so a broken schema fails at load time.
    private static func compile(
        _ operations: [ContractOperation], defaults: [String: [String: String?]], files: ContractFiles
    ) throws(ContractError) -> [String: Validator] {
        var registry = SchemaRegistry()
        for path in files.paths(under: "schemas/", ext: ".json") {
            registry.add(try files.document(path), uri: baseURI + path)
        }
        var refs: Set<String> = []
        for operation in operations {
            refs.insert(operation.requestSchema)
            refs.insert(rootRef(operation.requestSchema))
            for byType in operation.responses.values { for case let ref? in byType.values { refs.insert(ref) } }
        }
        for byType in defaults.values { for case let ref? in byType.values { refs.insert(ref) } }

        let sorted = refs.sorted()
        for ref in sorted {
            let filePath = rootRef(ref)
            guard files.files[filePath] != nil else {
                throw ContractError(
                    .invalidContracts, "the catalog names schema '\(ref)', but \(filePath) does not exist", at: files.displayPath("catalog.json"))
            }
        }
        // One compilation for every entry point: common.json and friends are compiled once.
        let entries = sorted.enumerated().map { (schema: JSONValue.object(["$ref": .string(baseURI + $1)]), uri: "\(baseURI)entry/\($0)") }
        do {
            let compiled = try Validator.compileAll(entries, registry: registry, formatAssertion: true)
            return Dictionary(uniqueKeysWithValues: zip(sorted, compiled))
        } catch {
            // Name the file the failing keyword lives in.
            let file = sorted.map(rootRef).first { error.description.contains($0) } ?? "catalog.json"
            throw ContractError(.invalidContracts, "a schema does not compile: \(error)", at: files.displayPath(file))
        }
    }

    /// The whole schema file a fragment reference points into.
    static func rootRef(_ ref: String) -> String { String(ref.prefix { $0 != "#" }) }

    /// The operations served at `path`.
    public func operations(at path: String) -> [ContractOperation] {
        (byPath[path] ?? []).map { operations[$0] }
    }

    /// The operation with this id.
    /// The `examples` of an operation's request schema: forms that meet the contract and, against
    /// fakepbx's embedded dataset, reach the operation's success answer (tested; Schemathesis and
    /// Prism read them from the OpenAPI document).
    public func requestExamples(of operation: ContractOperation) throws(ContractError) -> [JSONObject] {
        let parts = operation.requestSchema.split(separator: "#", maxSplits: 1).map(String.init)
        let document = try files.document(parts[0])
        let schema = parts.count > 1 ? JSONPointer.resolve(parts[1], in: document) : document
        return schema?["examples"]?.arrayValue?.compactMap(\.objectValue) ?? []
    }

    public func operation(id: String) -> ContractOperation? {
        operations.first { $0.id == id }
    }

    /// The response schemas `operation` declares for `status`, by media type; `nil` when the status is
    /// not part of the contract.
    public func responses(of operation: ContractOperation, status: Int) -> [String: String?]? {
        if let explicit = operation.responses[String(status)] { return explicit }
        guard errorStatuses.contains(status) else { return nil }
        return operation.responses["default"] ?? defaultResponses["default"]
    }

    /// Every status `operation` may answer with, sorted.
    public func statuses(of operation: ContractOperation) -> [Int] {
        let explicit = operation.responses.keys.compactMap(Int.init)
        let hasDefault = operation.responses["default"] != nil || defaultResponses["default"] != nil
        return Array(Set(explicit + (hasDefault ? errorStatuses : []))).sorted()
    }

    func validator(_ ref: String) -> Validator? { validators[ref] }
}

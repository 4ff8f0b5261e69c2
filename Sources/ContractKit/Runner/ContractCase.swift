import JSONSchema

/// A contract case file (`Contracts/cases/*.json`): steps sent to a server in order, each checked
/// against its operation's contract and the case's own expectations, then clean-up steps that always run.
public struct ContractCase: Sendable {
    /// One request of a case.
    public struct Step: Sendable {
        public enum Auth: String, Sendable {
            /// The credentials given to `contract run`.
            case `default`
            /// No credentials at all.
            case none
            /// The user name with a wrong password.
            case wrong
        }

        public var name: String
        /// The operation whose path and contract apply.
        public var operation: String
        /// Defaults to POST when the operation allows it.
        public var method: String?
        /// Form fields; `{{name}}` is replaced by a variable.
        public var form: [(String, String)]
        public var auth: Auth
        /// The request breaks its contract on purpose (a negative case).
        public var invalid: Bool
        /// Runs only when these are available (`credentials`).
        public var requires: [String]
        /// Runs only against a target with one of these auth profiles (all when empty): a wrong
        /// password is refused by `password` and `multi` targets and ignored by `whitelist-only` ones.
        public var profiles: [AuthProfile]
        public var expectStatus: [Int]?
        /// Values the response body must hold, by JSON pointer.
        public var expectEquals: [(String, JSONValue)]
        /// Patterns string values must match, by JSON pointer.
        public var expectMatches: [(String, String)]
        /// Variables taken from the response body, by JSON pointer.
        public var capture: [(String, String)]
    }

    public var name: String
    public var description: String
    /// Whether the case changes the server (skipped by `--read-only`).
    public var writes: Bool
    public var requires: [String]
    public var steps: [Step]
    /// Steps run after `steps` whatever happened, to remove what the case created.
    public var cleanup: [Step]

    /// Reads a case file's JSON; `file` names it in errors. Operations are checked against `catalog`.
    public init(_ document: JSONValue, file: String, catalog: ContractCatalog) throws(ContractError) {
        let root = JSONReader(document, file: file, code: .invalidCase)
        try root.rejectUnknown(["name", "description", "writes", "requires", "steps", "cleanup"])
        name = try root.required("name").string()
        description = try root.member("description")?.string() ?? ""
        writes = try root.member("writes")?.bool() ?? false
        requires = try root.member("requires")?.strings() ?? []
        steps = try (root.required("steps").array()).map { reader throws(ContractError) in try ContractCase.step(reader, catalog: catalog) }
        cleanup = try (root.member("cleanup")?.array() ?? []).map { reader throws(ContractError) in try ContractCase.step(reader, catalog: catalog) }
    }

    private static func step(_ reader: JSONReader, catalog: ContractCatalog) throws(ContractError) -> Step {
        try reader.rejectUnknown(["name", "operation", "method", "form", "auth", "invalid", "requires", "profiles", "expect", "capture"])
        let operation = try reader.required("operation").string()
        guard let contract = catalog.operation(id: operation) else {
            throw reader.error("no operation '\(operation)' in the catalog; see `fakepbx contract list`", at: "operation")
        }
        let method = try reader.member("method")?.string().uppercased()
        let invalid = try reader.member("invalid")?.bool() ?? false
        if let method, !contract.allows(method: method), !invalid {
            throw reader.error(
                "\(operation) does not allow \(method); it allows \(contract.methods.joined(separator: ", ")) (mark the step \"invalid\": true to send it anyway)",
                at: "method"
            )
        }
        let authText = try reader.member("auth")?.string() ?? "default"
        guard let auth = Step.Auth(rawValue: authText) else {
            throw reader.error("auth '\(authText)' is not valid; expected default, none or wrong", at: "auth")
        }
        var profiles: [AuthProfile] = []
        for item in try reader.member("profiles")?.array() ?? [] {
            let text = try item.string()
            guard let profile = AuthProfile(rawValue: text) else {
                throw item.error("'\(text)' is not an auth profile; expected \(AuthProfile.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            profiles.append(profile)
        }
        var form: [(String, String)] = []
        for (key, value) in try reader.member("form")?.members() ?? [] { form.append((key, try value.string())) }
        var expectStatus: [Int]?
        var equals: [(String, JSONValue)] = []
        var matches: [(String, String)] = []
        if let expect = try reader.member("expect") {
            try expect.rejectUnknown(["status", "equals", "matches"])
            if let status = try expect.member("status") {
                if case .array = status.value {
                    expectStatus = try status.array().map { item throws(ContractError) in try item.int() }
                } else {
                    expectStatus = [try status.int()]
                }
            }
            for (pointer, value) in try expect.member("equals")?.members() ?? [] { equals.append((pointer, value.value)) }
            for (pointer, pattern) in try expect.member("matches")?.members() ?? [] {
                let text = try pattern.string()
                guard (try? Validator(schema: ["pattern": .string(text)])) != nil else {
                    throw pattern.error("'\(text)' is not a valid regular expression")
                }
                matches.append((pointer, text))
            }
        }
        var capture: [(String, String)] = []
        for (name, pointer) in try reader.member("capture")?.members() ?? [] { capture.append((name, try pointer.string())) }
        return Step(
            name: try reader.required("name").string(), operation: operation, method: method, form: form, auth: auth,
            invalid: invalid, requires: try reader.member("requires")?.strings() ?? [], profiles: profiles,
            expectStatus: expectStatus, expectEquals: equals, expectMatches: matches, capture: capture
        )
    }

    /// The cases in the contracts (`cases/*.json`), in file-name order.
    public static func all(in catalog: ContractCatalog) throws(ContractError) -> [ContractCase] {
        try catalog.files.paths(under: "cases/", ext: ".json").map { path throws(ContractError) in
            try ContractCase(try catalog.files.document(path), file: catalog.files.displayPath(path), catalog: catalog)
        }
    }
}

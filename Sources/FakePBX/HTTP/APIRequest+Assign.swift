import Foundation

extension APIRequest {
    /// Copies parameter `name` into `value` when present, after checking it with `rule`.
    /// A text field is set as given, blank included (to clear it); a field with a `rule` is typed,
    /// and blank means not given, as for every typed field (see ``checkTypedFields()``).
    func assign(_ name: String, to value: inout String, rule: ((String) -> String?)? = nil) throws(APIError) {
        guard let given = fields[name].map(APIRequest.phpTrimmed) else { return }
        if rule != nil && given.isEmpty { return }
        if let rule, let expectation = rule(given) {
            throw .invalidRequest("\(name) '\(given)' is not valid: expected \(expectation)")
        }
        value = given
    }

    func assign(_ name: String, to value: inout Bool) throws(APIError) {
        if let given = try bool(name) { value = given }
    }

    func assign(_ name: String, to value: inout Int, in range: ClosedRange<Int>) throws(APIError) {
        if let given = try int(name, in: range) { value = given }
    }

    /// The tenant domain named by `domain_name` (or its aliases `tenant_domain`, `domain`), lower-cased.
    var domainName: String? { string("domain_name", "tenant_domain", "domain")?.lowercased() }

    static let domainAliases = ["domain_name", "tenant_domain", "domain"]

    /// The fields whose type is the same on every endpoint, checked once for all of them before the
    /// handler runs, with the rules the contracts' request schemas and `data check` use. A blank
    /// value is not given (PHP's `empty()`), so it is not checked.
    static let typedFields: [(matches: @Sendable (String) -> Bool, rule: @Sendable (String) -> String?)] = [
        ({ domainAliases.contains($0) }, { FieldRules.domainName($0.lowercased()) }),
        ({ $0 == "extension" }, FieldRules.extensionNumber),
        ({ $0 == "destination_number" }, FieldRules.phoneNumber),
        ({ $0 == "ip_address" || $0 == "address" }, FieldRules.ipAddress),
        ({ $0.hasSuffix("_uuid") }, FieldRules.uuid),
    ]

    func checkTypedFields() throws(APIError) {
        for name in fields.keys.sorted() {
            guard let value = string(name), let entry = APIRequest.typedFields.first(where: { $0.matches(name) }) else { continue }
            if let expectation = entry.rule(value) {
                throw .invalidRequest("\(name) '\(value)' is not valid: expected \(expectation)")
            }
        }
    }
}

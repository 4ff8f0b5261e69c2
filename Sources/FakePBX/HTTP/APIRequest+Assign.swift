import Foundation

extension APIRequest {
    /// Copies parameter `name` into `value` when present, after checking it with `rule`.
    func assign(_ name: String, to value: inout String, rule: ((String) -> String?)? = nil) throws(APIError) {
        guard let given = fields[name].map({ $0.trimmingCharacters(in: .whitespaces) }) else { return }
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
}

import JSONSchema

/// One way an exchange breaks its contract.
public struct ContractViolation: Sendable, Hashable, CustomStringConvertible {
    /// What part of the exchange is wrong.
    public enum Subject: String, Sendable, Hashable {
        /// The request names no operation of the contracts (unknown path or action, wrong method).
        case operation
        /// A request header or form field.
        case request
        /// The response status.
        case status
        /// A response header.
        case headers
        /// The response body.
        case body
        /// A case's own expectation (status, value) did not hold.
        case expectation
        /// No answer at all: refused, reset, timed out.
        case transport
    }

    public var subject: Subject
    /// A JSON pointer into the request's fields or the response body (`/records/3/billsec`), or a header name.
    public var pointer: String
    /// The rule that failed: a schema keyword's location (`schemas/common.json#/$defs/uuid/pattern`),
    /// `status`, or a header name.
    public var rule: String
    /// What is wrong and what was expected.
    public var message: String
    /// The offending value as compact JSON, shortened; secrets are redacted.
    public var value: String?

    public init(subject: Subject, pointer: String = "", rule: String, message: String, value: String? = nil) {
        self.subject = subject
        self.pointer = pointer
        self.rule = rule
        self.message = message
        self.value = value
    }

    public var description: String {
        var text = "\(subject.rawValue) \(pointer.isEmpty ? "(root)" : pointer): \(message)"
        if let value { text += " (value: \(value))" }
        if !rule.isEmpty { text += " [\(rule)]" }
        return text
    }

    /// `value` as a report shows it: compact JSON, at most 120 characters, or `[redacted]` for a secret.
    static func display(_ value: JSONValue?, at pointer: String) -> String? {
        guard let value else { return nil }
        let last = pointer.split(separator: "/").last.map { JSONPointer.unescape($0).lowercased() } ?? ""
        if SecretNames.contains(last) { return "[redacted]" }
        return shorten(redacted(value).serialized())
    }

    /// `value` with the values of secret members replaced, at any depth.
    static func redacted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            var copy = JSONObject()
            for member in object {
                copy[member.key] = SecretNames.contains(member.key) ? "[redacted]" : redacted(member.value)
            }
            return .object(copy)
        case .array(let items):
            return .array(items.map(redacted))
        default:
            return value
        }
    }

    static func shorten(_ text: String) -> String {
        text.count > 120 ? String(text.prefix(117)) + "..." : text
    }

    /// The violation as JSON, for `--json` reports and the control API.
    public var json: JSONValue {
        var object: JSONObject = [
            "subject": .string(subject.rawValue), "pointer": .string(pointer), "rule": .string(rule), "message": .string(message),
        ]
        if let value { object["value"] = .string(value) }
        return .object(object)
    }
}

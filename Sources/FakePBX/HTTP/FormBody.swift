import ContractKit
import Foundation
import JSONSchema

/// Decodes request parameters the way PHP fills `$_POST`: `application/x-www-form-urlencoded` (also the
/// default without a Content-Type, as curl `-d` sends), plus flat JSON objects for clients that send JSON.
enum FormBody {
    static func decode(_ body: [UInt8], contentType: String?) throws(APIError) -> [String: String] {
        let type = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        if body.isEmpty { return [:] }
        switch type {
        case "application/json":
            return try decodeJSON(body)
        case "multipart/form-data":
            throw .invalidRequest("multipart/form-data bodies are not supported; send application/x-www-form-urlencoded (curl -d)")
        default:
            guard let text = String(validating: body, as: UTF8.self) else {
                throw .invalidRequest("the request body is not valid UTF-8")
            }
            return try decodeURLEncoded(text, what: "request body")
        }
    }

    /// Parses `a=1&b=2` with `+` as space and percent escapes; the last of repeated names wins, as in PHP.
    static func decodeURLEncoded(_ text: String, what: String) throws(APIError) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = FormEncoding.unescapeStrictly(parts[0]), let value = FormEncoding.unescapeStrictly(parts.count > 1 ? parts[1] : "") else {
                throw .invalidRequest("malformed \(what): bad percent-encoding in '\(pair.prefix(60))'")
            }
            guard !name.isEmpty else { throw .invalidRequest("malformed \(what): a parameter has no name in '\(pair.prefix(60))'") }
            fields[name] = value
        }
        return fields
    }

    /// A flat JSON object of parameters. Numbers keep their literal text (`1.0` stays `1.0`).
    private static func decodeJSON(_ body: [UInt8]) throws(APIError) -> [String: String] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw .invalidRequest("malformed JSON body: \(error)")
        }
        guard case .object(let object) = value else {
            throw .invalidRequest("a JSON body must be an object of parameter names to values")
        }
        var fields: [String: String] = [:]
        for member in object {
            switch member.value {
            case .null: continue
            case .string(let text): fields[member.key] = text
            case .number(let number): fields[member.key] = number.literal
            case .bool(let flag): fields[member.key] = flag ? "true" : "false"
            case .array, .object:
                throw .invalidRequest("JSON parameter '\(member.key)' must be a string, number or boolean, not an array or object")
            }
        }
        return fields
    }
}

public import ContractKit
import Foundation
import JSONSchema

/// Looks for secrets that survived redaction in a cassette, by the rules redaction uses
/// (`SecretNames`): a secret-looking name whose value is not a placeholder, or a credential-shaped
/// value anywhere.
public enum SecretScanner {
    /// A secret found, located by exchange and JSON pointer into the cassette.
    public struct Finding: Sendable, Hashable, CustomStringConvertible {
        public var location: String
        public var message: String
        public var description: String { "\(location): \(message)" }
    }

    public static func scan(_ cassette: Cassette) -> [Finding] {
        var findings: [Finding] = []
        for (index, exchange) in cassette.exchanges.enumerated() {
            let base = "/exchanges/\(index)"
            func check(name: String, value: String, at pointer: String) {
                if SecretNames.contains(name), !value.isEmpty, !value.hasPrefix(Redactor.placeholderPrefix) {
                    findings.append(Finding(location: pointer, message: "'\(name)' holds a value that is not redacted"))
                }
                // The same shapes redaction replaces, in the value and in the name (a body read as the
                // wrong type can put anything in a name).
                for text in [name, value] {
                    for match in SecretNames.secrets(in: text, placeholderPrefix: Redactor.placeholderPrefix) {
                        findings.append(Finding(location: pointer, message: "\(match.what) survives in the text"))
                    }
                }
            }
            for (name, value) in exchange.request.headers {
                check(name: name, value: value, at: "\(base)/request/headers/\(JSONPointer.escape(name))")
            }
            for (name, value) in exchange.request.form { check(name: name, value: value, at: "\(base)/request/form/\(JSONPointer.escape(name))") }
            for (name, value) in FormEncoding.decode(exchange.request.query) { check(name: name, value: value, at: "\(base)/request/query") }
            if let response = exchange.response {
                for (name, value) in response.headers { check(name: name, value: value, at: "\(base)/response/headers/\(JSONPointer.escape(name))") }
                switch response.body {
                case .json(let document):
                    walk(document, name: "", pointer: "\(base)/response/body", check: check)
                case .text(let text):
                    check(name: "", value: text, at: "\(base)/response/text")
                case .empty:
                    break
                }
            }
        }
        return findings
    }

    private static func walk(_ value: JSONValue, name: String, pointer: String, check: (String, String, String) -> Void) {
        switch value {
        case .object(let object):
            for member in object { walk(member.value, name: member.key, pointer: "\(pointer)/\(JSONPointer.escape(member.key))", check: check) }
        case .array(let items):
            for (index, item) in items.enumerated() { walk(item, name: name, pointer: "\(pointer)/\(index)", check: check) }
        case .string(let text):
            check(name, text, pointer)
        default:
            break
        }
    }
}

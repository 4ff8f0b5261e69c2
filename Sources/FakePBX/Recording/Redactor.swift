public import ContractKit
import Foundation
import JSONSchema
import Synchronization

/// Takes secrets out of exchanges before anything reaches disk, replacing each distinct value with
/// a stable placeholder (`REDACTED-password-1`), so the same secret reads the same everywhere and
/// replay still matches. Secrets are what `SecretNames` says: values under a secret-looking name,
/// and credential-shaped values anywhere. With `pseudonymize`, phone numbers, IPv4 addresses and domain names are
/// replaced too, by consistent, format-preserving stand-ins.
public final class Redactor: Sendable {
    /// Members that name a domain, for pseudonymization.
    static let domainNames: Set<String> = [
        "domain_name", "tenant_domain", "domain", "gateway_domain", "proxy", "realm", "from_domain", "accountcode",
        "user_context", "context", "dialplan_context", "destination_context",
    ]
    public static let placeholderPrefix = "REDACTED-"

    public let pseudonymize: Bool
    /// Names the user opted out of redaction (`--keep FIELD`).
    public let keep: Set<String>
    private let mappings = Mutex<(secrets: [String: String], counters: [String: Int], stand: [String: String], domains: [(String, String)])>(
        ([:], [:], [:], []))

    public init(pseudonymize: Bool = false, keep: Set<String> = []) {
        self.pseudonymize = pseudonymize
        self.keep = Set(keep.map { $0.lowercased() })
    }

    public func redact(_ exchange: Exchange) -> Exchange {
        var exchange = exchange
        exchange.request.headers = redact(headers: exchange.request.headers)
        exchange.request.form = redact(fields: exchange.request.form)
        if !exchange.request.query.isEmpty {
            let fields = redact(fields: FormEncoding.decode(exchange.request.query))
            exchange.request.query = FormEncoding.encode(fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        }
        if var response = exchange.response {
            response.headers = redact(headers: response.headers)
            switch response.body {
            case .json(let value): response.body = .json(value.mappingStrings { scrub($0, key: $1) })
            case .text(let text): response.body = .text(pseudonymize ? pseudonymizeText(redactShapes(text)) : redactShapes(text))
            case .empty: break
            }
            exchange.response = response
        }
        return exchange
    }

    private func isSecret(_ name: String) -> Bool {
        SecretNames.contains(name) && !isKept(name)
    }

    private func isKept(_ name: String) -> Bool {
        !keep.isEmpty && keep.contains(name.lowercased())
    }

    private func redact(headers: [String: String]) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in headers { result[name] = scrub(value, key: name) }
        return result
    }

    /// `text` with every credential-shaped part (JWT, Basic or Bearer credential, access key id,
    /// private key, `pass=…`) replaced by its placeholder.
    private func redactShapes(_ text: String) -> String {
        SecretNames.replacingSecrets(in: text, placeholderPrefix: Redactor.placeholderPrefix) { match, secret in
            placeholder(for: String(secret), kind: match.kind)
        }
    }

    private func redact(fields: [String: String]) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in fields { result[name] = scrub(value, key: name) }
        return result
    }

    /// A string value named `key`: a secret's placeholder, a pseudonym, or the value with any
    /// credential-shaped part replaced.
    private func scrub(_ value: String, key: String?) -> String {
        if let key, isSecret(key), !value.isEmpty, !value.hasPrefix(Redactor.placeholderPrefix) {
            return placeholder(for: value, kind: key.lowercased())
        }
        let kept = key.map(isKept) ?? false
        let text = kept ? value : redactShapes(value)
        guard pseudonymize, !text.isEmpty, !kept else { return text }
        if let key, Redactor.domainNames.contains(key.lowercased()), !text.hasPrefix(Redactor.placeholderPrefix) {
            return pseudonymizeText(domainStandIn(text))
        }
        return pseudonymizeText(text)
    }

    private func placeholder(for secret: String, kind: String) -> String {
        mappings.withLock { state in
            let id = "\(kind)\u{0}\(secret)"
            if let known = state.secrets[id] { return known }
            let number = (state.counters[kind] ?? 0) + 1
            state.counters[kind] = number
            let value = "\(Redactor.placeholderPrefix)\(kind)-\(number)"
            state.secrets[id] = value
            return value
        }
    }

    // MARK: - Pseudonyms

    // Regex values are immutable once built; matching does not mutate them.
    nonisolated(unsafe) private static let ipv4 = /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/

    /// Phone numbers and IPv4 addresses inside `text`, replaced consistently; known domains too.
    private func pseudonymizeText(_ text: String) -> String {
        var result = text.replacing(Redactor.ipv4) { match in standIn(String(match.output), kind: "ip") }
        result = NumberPseudonym.replacingNumbers(in: result) { standIn($0, kind: "phone") }
        // The domains met so far, kept apart so this costs what the domains do, not every stand-in.
        for (original, replacement) in mappings.withLock({ $0.domains }) where result.contains(original) {
            result = result.replacingOccurrences(of: original, with: replacement)
        }
        return result
    }

    private func domainStandIn(_ domain: String) -> String {
        // host:port keeps its port; an IP address is handled as an address.
        let host = domain.split(separator: ":", maxSplits: 1).first.map(String.init) ?? domain
        guard host.contains("."), host.contains(where: \.isLetter) else { return domain }
        return standIn(host, kind: "domain") + domain.dropFirst(host.count)
    }

    /// A consistent stand-in for `value`: same length and shape for numbers, documentation ranges
    /// for addresses (RFC 5737), `tenant-N.example.net` for domains.
    private func standIn(_ value: String, kind: String) -> String {
        if value.hasPrefix(Redactor.placeholderPrefix) { return value }
        return mappings.withLock { state in
            let id = "\(kind)\u{0}\(value)"
            if let known = state.stand[id] { return known }
            let number = (state.counters["stand-\(kind)"] ?? 0) + 1
            state.counters["stand-\(kind)"] = number
            let replacement: String
            switch kind {
            case "ip":
                replacement = "198.51.100.\(number % 254 + 1)"
            case "phone":
                // What rating reads (access code, country code, trunk prefix, special range, mobile or area prefix, length) stays.
                replacement = NumberPseudonym.standIn(value, counter: number)
            default:
                replacement = "tenant-\(number).example.net"
            }
            state.stand[id] = replacement
            if kind == "domain" { state.domains.append((value, replacement)) }
            return replacement
        }
    }
}

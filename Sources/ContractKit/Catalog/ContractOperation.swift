import Foundation

/// One operation of the API: an endpoint, or one action of an action-based endpoint.
public struct ContractOperation: Sendable, Hashable {
    /// Where the operation's contract comes from.
    public enum Provenance: String, Sendable, Hashable {
        /// The ictVoIP documentation; its examples must validate.
        case documented
        /// Designed by fakepbx in the documented style, to be confirmed by recordings.
        case inferred
        /// Observed in traffic recorded from a real server.
        case recorded
    }

    /// `manage_domain.create`, `export_cdr`, …
    public let id: String
    public let summary: String
    public let path: String
    /// Other paths the same script answers at (`/app/status/`).
    public let aliases: [String]
    /// Allowed methods, upper case; HEAD is implied by GET.
    public let methods: [String]
    /// Form fields that select this operation among those sharing its path (`action=create`).
    public let match: [String: String]
    /// `standard`, `cdr` or `gateway`: which documented rate limit applies.
    public let rateLimitClass: String
    public let provenance: Provenance
    /// The document, commit or recording the contract comes from.
    public let source: String
    /// Whether the operation changes the server's state (skipped by `contract run --read-only`).
    public let writes: Bool
    /// The request schema, relative to the contracts folder (`schemas/requests/x.json#/$defs/list`).
    public let requestSchema: String
    /// Response schemas by status (`200`, or `default` for every error status), then by media type;
    /// a `nil` schema accepts the media type without checking the body.
    public let responses: [String: [String: String?]]

    /// Every path the operation answers at.
    public var paths: [String] { [path] + aliases }

    /// Whether `method` is allowed (HEAD where GET is).
    public func allows(method: String) -> Bool {
        let method = method.uppercased()
        return methods.contains(method) || (method == "HEAD" && methods.contains("GET"))
    }

    /// Whether the request's fields select this operation.
    public func matches(_ fields: [String: String]) -> Bool {
        match.allSatisfy { key, value in
            fields[key]?.trimmingCharacters(in: .whitespaces).lowercased() == value.lowercased()
        }
    }
}

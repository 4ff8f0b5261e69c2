import ContractKit
public import HTTPTypes
public import JSONSchema

/// An error answer of the API: an HTTP status plus the documented error name and a detail.
///
/// Rendered as ictVoIP's error envelope, `{"status":"error","message":"NAME: DETAIL","timestamp":...}`,
/// or, on `chkcon.php`, as `{"success":0,"message":...}`.
public struct APIError: Error, Sendable, Hashable {
    public var status: HTTPResponse.Status
    /// The documented error name: `Authentication Failed`, `Missing Parameters`, `Invalid Request`, ...
    public var name: String
    public var detail: String
    public var headers: HTTPFields
    /// Members added to the standard envelope (the violations of a strict contract check).
    public var extra: JSONObject
    /// The jail this failure filled, for the journal.
    var banTriggered: String?

    public init(_ status: HTTPResponse.Status, _ name: String, _ detail: String, headers: HTTPFields = [:], extra: JSONObject = [:]) {
        self.status = status
        self.name = name
        self.detail = detail
        self.headers = headers
        self.extra = extra
    }

    /// The `message` field of the envelope.
    public var message: String { detail.isEmpty ? name : "\(name): \(detail)" }

    /// The exact documented denial text for callers outside the whitelist.
    public static let whitelistDenialMessage = "API Access Denied: Only whitelisted IPs may access this endpoint."

    static var whitelistDenied: APIError {
        APIError(.forbidden, "API Access Denied", "Only whitelisted IPs may access this endpoint.")
    }

    static func authenticationFailed(_ detail: String, banned: Jails.Ban? = nil) -> APIError {
        var error = APIError(.unauthorized, "Authentication Failed", detail, headers: [.wwwAuthenticate: "Basic realm=\"FusionPBX\""])
        error.banTriggered = banned?.jail
        return error
    }

    static func missingParameters(_ names: [String]) -> APIError {
        APIError(.badRequest, "Missing Parameters", names.joined(separator: ", "))
    }

    static func invalidRequest(_ detail: String) -> APIError {
        APIError(.badRequest, "Invalid Request", detail)
    }

    static func endpointNotFound(_ path: String) -> APIError {
        APIError(.notFound, "Endpoint not found", path)
    }

    static func methodNotAllowed(_ method: HTTPRequest.Method, allowed: [HTTPRequest.Method]) -> APIError {
        let list = allowed.map(\.rawValue).joined(separator: ", ")
        return APIError(
            .methodNotAllowed, "Invalid Request", "method \(method.rawValue) is not allowed here; use \(list)",
            headers: [.allow: list]
        )
    }

    static var payloadTooLarge: APIError {
        APIError(.contentTooLarge, "Invalid Request", "request body is larger than 80 MB (client_max_body_size 80M)")
    }

    /// The answer of `serve --verify-client --strict` to a request that breaks its contract.
    static func contractViolated(_ violations: [ContractViolation]) -> APIError {
        let summary = violations.prefix(3).map(\.description).joined(separator: "; ")
        let more = violations.count > 3 ? "; and \(violations.count - 3) more" : ""
        return APIError(
            .badRequest, "Invalid Request", "the request breaks its contract: \(summary)\(more)",
            extra: ["violations": .array(violations.map(\.json))]
        )
    }

    /// Over the rate limit: 429, `Retry-After`, and the documented `Rate Limited` error name.
    static func rateLimited(_ rateClass: RateLimitClass, decision: RateLimiter.Decision, now: Double) -> APIError {
        let wait = max(1, decision.reset - Int(now.rounded(.down)))
        return APIError(
            .tooManyRequests, "Rate Limited",
            "too many requests: \(decision.limit) per window for \(rateClass) endpoints; retry after \(wait) seconds",
            headers: [.retryAfter: String(wait)]
        )
    }

    /// A banned address, with `--ban-action 403`.
    static func banned(_ ban: Jails.Ban) -> APIError {
        APIError(
            .forbidden, "API Access Denied",
            "\(ban.address) is banned by the \(ban.jail) jail until \(Timestamp.iso8601(Int(ban.until)))"
        )
    }

    init(_ error: ModelError) {
        switch error.kind {
        case .notFound: self.init(.notFound, "Not Found", error.message)
        case .conflict: self.init(.conflict, "Conflict", error.message)
        case .invalid: self.init(.badRequest, "Invalid Request", error.message)
        }
    }
}

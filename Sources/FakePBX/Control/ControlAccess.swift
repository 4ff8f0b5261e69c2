import Foundation
import HTTPTypes

/// Who may use the control API (`/__fakepbx/`): with `--admin-token`, whoever presents the token
/// (`Authorization: Bearer TOKEN`, the scheme in any case), from anywhere; without one, only peers in
/// `--admin-allow` (by default exactly 127.0.0.1 and ::1). `GET /__fakepbx/health` stays open, for
/// readiness probes.
///
/// Whoever the peer is, a web page the owner opens must not drive the API (``browserRefusal(_:)``).
public struct ControlAccess: Sendable, Hashable {
    public var token: String?
    public var allow: [CIDRBlock]
    /// Host names, besides addresses, `localhost` and names without a dot, that requests may name
    /// in `Host` (`--host`, the TLS names, `--admin-host`), lower-cased.
    public var hosts: Set<String>

    /// 127.0.0.1 and ::1, the default of `--admin-allow`.
    public static let loopback = [CIDRBlock("127.0.0.1/32")!, CIDRBlock("::1/128")!]

    public init(token: String? = nil, allow: [CIDRBlock] = ControlAccess.loopback, hosts: [String] = []) {
        self.token = token
        self.allow = allow
        self.hosts = Set(hosts.map { $0.lowercased() })
    }

    /// Why a request from `peer` with this `Authorization` header is refused: 401 or 403 and what to
    /// do; `nil` when it may go on.
    func refusal(peer: IPAddress, authorization: String?) -> (status: Int, message: String)? {
        if let token {
            let parts = authorization?.split(separator: " ", maxSplits: 1)
            guard let parts, parts.count == 2, parts[0].lowercased() == "bearer",
                constantTimeEquals(String(parts[1]).trimmingCharacters(in: .whitespaces), token)
            else {
                return (401, "the control API needs Authorization: Bearer TOKEN (the --admin-token value)")
            }
            return nil
        }
        guard allow.contains(where: { $0.contains(peer) }) else {
            return (
                403,
                "the control API answers only \(allow.map(\.description).joined(separator: ", ")) (--admin-allow), not \(peer); start fakepbx with --admin-allow CIDR or --admin-token TOKEN"
            )
        }
        return nil
    }

    /// Why a request a browser may have sent for another site is refused; `nil` when it may go on.
    ///
    /// - A page from another origin: its `Origin` (sent with every cross-origin request and every
    ///   POST) names another host and port, or `Sec-Fetch-Site` says another site sent it (a link
    ///   followed to the dashboard is allowed).
    /// - DNS rebinding: without a token, `Host` must be an address, `localhost`, a name without a dot
    ///   (a container's service alias, which no one else can register) or a name the server was given.
    /// - A form: a POST body must be JSON (YAML for a scenario), which a page can send to another
    ///   origin only after a preflight this API never answers.
    /// `isRoute`: whether a route takes the request's method and path (else the body rule does not
    /// apply, and the answer is the 404 or 405 that says what the routes are).
    func browserRefusal(_ head: HTTPRequest, isRoute: Bool) -> (status: Int, message: String)? {
        let host = head.authority
        if token == nil, let host, !acceptsHost(ControlAccess.hostName(host)) {
            return (
                403,
                "the control API does not answer for the host name '\(ControlAccess.hostName(host))' (a guard against DNS rebinding); use the server's address or localhost, or start fakepbx with --admin-host \(ControlAccess.hostName(host))"
            )
        }
        if let origin = head.headerFields[.origin], origin.lowercased() != "http://\(host ?? "")".lowercased(),
            origin.lowercased() != "https://\(host ?? "")".lowercased()
        {
            return (
                403,
                "the control API does not answer requests from pages of another origin (\(origin.prefix(80))); call it from a test, curl or its own dashboard"
            )
        }
        let site = head.headerFields[.secFetchSite]
        if site == "cross-site" || site == "same-site", !(head.method == .get && head.headerFields[.secFetchMode] == "navigate") {
            return (
                403,
                "the control API does not answer requests from pages of another site (Sec-Fetch-Site: \(site!)); call it from a test, curl or its own dashboard"
            )
        }
        if head.method == .post, isRoute, ControlAccess.hasBody(head),
            !ControlAccess.acceptedTypes(path: head.path ?? "").contains(ControlAccess.essence(head))
        {
            let scenario = (head.path ?? "").hasSuffix("/scenario")
            return (
                415,
                "the body must be sent as Content-Type: \(scenario ? "application/yaml (or application/json)" : "application/json"), not \(head.headerFields[.contentType].map { "'\($0.prefix(60))'" } ?? "none") (curl \(scenario ? "-H 'Content-Type: application/yaml' --data-binary @FILE" : "--json '{…}'"))"
            )
        }
        return nil
    }

    private func acceptsHost(_ name: String) -> Bool {
        IPAddress(name) != nil || name == "localhost" || name.hasSuffix(".localhost") || !name.contains(".") || hosts.contains(name)
    }

    /// `Host` without its port and brackets, lower-cased.
    static func hostName(_ host: String) -> String {
        var name = Substring(host)
        if name.hasPrefix("["), let close = name.firstIndex(of: "]") {
            name = name[name.index(after: name.startIndex)..<close]
        } else if let colon = name.lastIndex(of: ":"), name.firstIndex(of: ":") == colon {
            name = name[..<colon]
        }
        return name.lowercased()
    }

    private static func hasBody(_ head: HTTPRequest) -> Bool {
        head.headerFields[.transferEncoding] != nil || (head.headerFields[.contentLength].flatMap { Int($0) } ?? 0) > 0
    }

    private static func essence(_ head: HTTPRequest) -> String {
        (head.headerFields[.contentType] ?? "").prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces).lowercased()
    }

    private static func acceptedTypes(path: String) -> Set<String> {
        let json: Set<String> = ["application/json"]
        let path = path.prefix { $0 != "?" }
        return path.hasSuffix("/scenario") ? json.union(["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"]) : json
    }
}

extension HTTPField.Name {
    /// Which site sent a browser's request (Fetch Metadata): `same-origin`, `same-site`, `cross-site` or `none`.
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
    /// How a browser's request was made: `navigate` for a link or the address bar.
    static let secFetchMode = HTTPField.Name("Sec-Fetch-Mode")!
}

extension HTTPField.Name {
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
}

import Foundation

/// Who may use the control API (`/__fakepbx/`): with `--admin-token`, whoever presents the token
/// (`Authorization: Bearer TOKEN`, the scheme in any case), from anywhere; without one, only peers in
/// `--admin-allow` (by default exactly 127.0.0.1 and ::1). `GET /__fakepbx/health` stays open, for
/// readiness probes.
public struct ControlAccess: Sendable, Hashable {
    public var token: String?
    public var allow: [CIDRBlock]

    /// 127.0.0.1 and ::1, the default of `--admin-allow`.
    public static let loopback = [CIDRBlock("127.0.0.1/32")!, CIDRBlock("::1/128")!]

    public init(token: String? = nil, allow: [CIDRBlock] = ControlAccess.loopback) {
        self.token = token
        self.allow = allow
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
}

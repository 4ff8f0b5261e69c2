import HTTPTypes
import Hummingbird

/// One route of the control API: its method, its path below `/__fakepbx/` (a segment written
/// `ADDRESS` or `ID` matches any one segment, handed to the handler as ``ControlCall/parameter``),
/// the usage the 404 answer lists, and what it does. The routes of a resource live together in
/// `ControlAPI+Resource.swift`; ``ControlAPI/table`` gathers them.
struct ControlRoute: Sendable {
    let method: HTTPRequest.Method
    let path: String
    /// `POST /__fakepbx/clock/advance {seconds}`; nil for a route not listed (HEAD, an alias).
    let usage: String?
    let handle: @Sendable (ControlAPI, ControlCall) async throws -> Response

    init(
        _ method: HTTPRequest.Method, _ path: String, usage: String? = "",
        handle: @escaping @Sendable (ControlAPI, ControlCall) async throws -> Response
    ) {
        self.method = method
        self.path = path
        self.usage = usage.map { $0.isEmpty ? "\(method.rawValue) \(ControlAPI.prefix)\(path)" : $0 }
        self.handle = handle
    }

    /// `DELETE /__fakepbx/bans/ADDRESS`: the method and the path with its wildcard, as clients
    /// (the PHP package's `FAKEPBX_CONTROL_LOG`) name the route.
    var label: String { "\(method.rawValue) \(ControlAPI.prefix)\(path)" }

    /// The wildcard segment's value when `route` (below the prefix) matches this path, `""` when it
    /// matches without one, nil when it does not.
    func parameter(in route: String) -> String? {
        let pattern = path.split(separator: "/", omittingEmptySubsequences: false)
        let segments = route.split(separator: "/", omittingEmptySubsequences: false)
        guard pattern.count == segments.count else { return nil }
        var parameter = ""
        for (expected, given) in zip(pattern, segments) {
            if expected == "ADDRESS" || expected == "ID" {
                guard !given.isEmpty else { return nil }
                parameter = String(given)
            } else if expected != given {
                return nil
            }
        }
        return parameter
    }
}

/// What a control route's handler gets: the request, the TCP peer, the time it was received and the
/// value of its wildcard segment.
struct ControlCall: Sendable {
    let request: Request
    let peer: IPAddress
    let now: Double
    let parameter: String
}

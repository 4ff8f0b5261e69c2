import HTTPTypes

extension HTTPRequest {
    /// The request target's path, without its query (`/` when there is none).
    var pathOnly: String { path.map { String($0.prefix { $0 != "?" }) } ?? "/" }
}

/// What faults and call-count steps match a request on: its path, method, client and, for the
/// action-based scripts, its `action` field (read only when a match asks for it).
struct RequestTarget {
    var path: String
    var method: String
    var client: IPAddress
    var action: () -> String? = { nil }
}

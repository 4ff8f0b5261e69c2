/// How an exchange ended when the server gave no whole answer: what the client's connection saw.
/// A cassette keeps it (`"outcome": "reset"`), replay reproduces it, and HAR writes it as a browser
/// does (`"_error": "net::ERR_CONNECTION_RESET"`, status 0).
public enum ConnectionOutcome: String, Sendable, Hashable, CaseIterable {
    /// The connection was reset (RST) before an answer: curl error 56, "Connection reset by peer".
    case reset
    /// The connection was closed (FIN) before any byte of an answer: curl error 52, "Empty reply
    /// from server".
    case closed
    /// No answer came before the wait ran out; the connection was then closed (curl error 28 when
    /// the client gives up first).
    case timeout
    /// The answer started and broke off: the response holds what arrived (curl error 18 or 56).
    case brokeOff = "broke-off"
    /// The TLS handshake failed (curl error 35).
    case tlsFailed = "tls-failed"
    /// No connection could be made (curl error 7).
    case unreachable

    /// What Chromium writes in a HAR entry's `response._error` for it.
    public var harError: String {
        switch self {
        case .reset: "net::ERR_CONNECTION_RESET"
        case .closed: "net::ERR_EMPTY_RESPONSE"
        case .timeout: "net::ERR_TIMED_OUT"
        case .brokeOff: "net::ERR_CONTENT_LENGTH_MISMATCH"
        case .tlsFailed: "net::ERR_SSL_PROTOCOL_ERROR"
        case .unreachable: "net::ERR_CONNECTION_REFUSED"
        }
    }

    /// The outcome a HAR's `_error` names, if any (Chromium's and Firefox's names).
    public init?(harError: String) {
        let name = harError.uppercased()
        if let outcome = ConnectionOutcome.allCases.first(where: { $0.harError.uppercased() == name }) {
            self = outcome
            return
        }
        switch name {
        case "NET::ERR_CONNECTION_ABORTED", "NET::ERR_CONNECTION_CLOSED", "NS_ERROR_NET_RESET": self = .reset
        case "NET::ERR_CONNECTION_TIMED_OUT", "NS_ERROR_NET_TIMEOUT": self = .timeout
        case "NET::ERR_NAME_NOT_RESOLVED", "NET::ERR_ADDRESS_UNREACHABLE", "NS_ERROR_CONNECTION_REFUSED", "NS_ERROR_UNKNOWN_HOST":
            self = .unreachable
        case "NET::ERR_INCOMPLETE_CHUNKED_ENCODING", "NS_ERROR_NET_PARTIAL_TRANSFER", "NS_ERROR_NET_INTERRUPT": self = .brokeOff
        default:
            guard name.hasPrefix("NET::ERR_SSL") || name.hasPrefix("NET::ERR_CERT") || name.hasPrefix("SSL_ERROR") else { return nil }
            self = .tlsFailed
        }
    }
}

import Foundation

/// Works out which address a request comes from.
///
/// `X-Forwarded-For` is honoured only when the connecting peer is a configured proxy; the chain is then
/// walked from the right, skipping trusted proxies, so a client cannot forge its address by prepending
/// entries.
public struct ClientAddressResolver: Sendable {
    public var trustedProxies: [CIDRBlock]

    public init(trustedProxies: [CIDRBlock]) { self.trustedProxies = trustedProxies }

    /// The client's address; when a trusted proxy's `X-Forwarded-For` cannot be read, that address
    /// for the journal and the reason the request is refused.
    public func resolve(peer: IPAddress, forwardedFor headerValues: [String]) -> (address: IPAddress, unreadable: String?) {
        guard !trustedProxies.isEmpty, isTrusted(peer), !headerValues.isEmpty else { return (peer, nil) }
        let chain = headerValues.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var current = peer
        for hop in chain.reversed() {
            guard let address = IPAddress(hop) else {
                // Read as the proxy's own address, a request would pass the whitelist as the proxy.
                let message =
                    "X-Forwarded-For from the trusted proxy \(current) has '\(hop.prefix(60))', which is not an IP address (no port, no brackets, no name); fix the proxy's header"
                return (current, message)
            }
            current = address
            if !isTrusted(address) { return (address, nil) }
        }
        return (current, nil)
    }

    /// The client's address, the readable part of a malformed chain included (for refusals at the head).
    public func clientAddress(peer: IPAddress, forwardedFor headerValues: [String]) -> IPAddress {
        resolve(peer: peer, forwardedFor: headerValues).address
    }

    private func isTrusted(_ address: IPAddress) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }
}

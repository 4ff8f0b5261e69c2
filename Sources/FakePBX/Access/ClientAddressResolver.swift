import Foundation

/// Works out which address a request comes from.
///
/// `X-Forwarded-For` is honoured only when the connecting peer is a configured proxy; the chain is then
/// walked from the right, skipping trusted proxies, so a client cannot forge its address by prepending
/// entries.
public struct ClientAddressResolver: Sendable {
    public var trustedProxies: [CIDRBlock]

    public init(trustedProxies: [CIDRBlock]) { self.trustedProxies = trustedProxies }

    public func clientAddress(peer: IPAddress, forwardedFor headerValues: [String]) -> IPAddress {
        guard !trustedProxies.isEmpty, isTrusted(peer), !headerValues.isEmpty else { return peer }
        let chain = headerValues.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var current = peer
        for hop in chain.reversed() {
            guard let address = IPAddress(hop) else { return current }
            current = address
            if !isTrusted(address) { return address }
        }
        return current
    }

    private func isTrusted(_ address: IPAddress) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }
}

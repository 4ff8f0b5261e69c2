/// An address range in CIDR notation (`192.168.1.0/24`, `2001:db8::/32`); a bare address is a /32 or /128.
public struct CIDRBlock: Sendable, Hashable, CustomStringConvertible {
    public let network: IPAddress
    /// Prefix length in the address's own family (0–32 for IPv4, 0–128 for IPv6).
    public let prefixLength: Int
    private let mappedPrefixLength: Int

    /// Parses `ADDRESS` or `ADDRESS/PREFIX`. Host bits below the prefix are ignored, as iptables does.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress(String(parts[0])) else { return nil }
        let maxLength = address.isIPv4 ? 32 : 128
        var length = maxLength
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), parts[1].allSatisfy(\.isASCII), (0...maxLength).contains(parsed) else {
                return nil
            }
            length = parsed
        }
        self.network = address
        self.prefixLength = length
        self.mappedPrefixLength = address.isIPv4 ? length + 96 : length
    }

    /// Whether `address` lies inside the block.
    public func contains(_ address: IPAddress) -> Bool {
        var remaining = mappedPrefixLength
        for index in 0..<16 {
            if remaining <= 0 { return true }
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if (network.bytes[index] & mask) != (address.bytes[index] & mask) { return false }
            remaining -= 8
        }
        return true
    }

    public var description: String {
        let full = network.isIPv4 ? 32 : 128
        return prefixLength == full ? network.description : "\(network)/\(prefixLength)"
    }
}

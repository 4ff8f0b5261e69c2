/// An address range in CIDR notation (`192.168.1.0/24`, `2001:db8::/32`); a bare address is a /32 or /128.
///
/// The rules (docs/access.md, "Access, as the real server does it"): an entry is IPv4 (prefix 0–32) or IPv6 (prefix 0–128), the prefix
/// plain decimal digits. An entry in IPv4-mapped form (`::ffff:10.0.0.0/104`) is the IPv4 entry it
/// maps (`10.0.0.0/8`), so its prefix must be 96–128. A client is IPv4 when it connects over IPv4 or
/// as an IPv4-mapped IPv6 peer. IPv4 entries match IPv4 clients only and IPv6 entries IPv6 clients
/// only: `::/0` does not admit IPv4 clients, as ip6tables rules do not touch IPv4 traffic.
public struct CIDRBlock: Sendable, Hashable, CustomStringConvertible {
    public let network: IPAddress
    /// Prefix length in the address's own family (0–32 for IPv4, 0–128 for IPv6).
    public let prefixLength: Int
    private let mappedPrefixLength: Int

    /// Parses `ADDRESS` or `ADDRESS/PREFIX`. Host bits below the prefix are ignored, as iptables does.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress(String(parts[0])) else { return nil }
        // Written as IPv4-mapped IPv6, the prefix counts the 96 bits of the mapping too.
        let mappedForm = address.isIPv4 && parts[0].contains(":")
        let maxLength = address.isIPv4 ? 32 : 128
        var length = maxLength
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].count <= 3, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), var parsed = Int(parts[1]) else {
                return nil
            }
            if mappedForm {
                guard (96...128).contains(parsed) else { return nil }
                parsed -= 96
            }
            guard (0...maxLength).contains(parsed) else { return nil }
            length = parsed
        }
        self.network = address
        self.prefixLength = length
        self.mappedPrefixLength = address.isIPv4 ? length + 96 : length
    }

    /// Whether `address` lies inside the block.
    public func contains(_ address: IPAddress) -> Bool {
        guard network.isIPv4 == address.isIPv4 else { return false }
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

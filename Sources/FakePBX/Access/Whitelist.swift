import Foundation

/// The API whitelist, in the format of ictVoIP's `chkcon_whitelist.conf`: one IPv4/IPv6 address or CIDR
/// block per line, `#` comments, blank lines ignored.
public struct Whitelist: Sendable, Hashable {
    public var entries: [CIDRBlock]

    public init(entries: [CIDRBlock]) { self.entries = entries }

    /// What a fresh fakepbx allows when no whitelist file is given: the local host only.
    public static let localhost = Whitelist(entries: [CIDRBlock("127.0.0.1")!, CIDRBlock("::1")!])

    /// Parses whitelist text. `source` names the file in error messages (`FILE:LINE: ...`).
    /// - Throws: ``FakePBXError`` with code `invalidWhitelist` for the first bad line.
    public init(parsing text: String, source: String) throws {
        var entries: [CIDRBlock] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let block = CIDRBlock(trimmed) else {
                throw FakePBXError(
                    .invalidWhitelist,
                    "'\(trimmed)' is not an IP address or CIDR (write one address such as 192.168.1.100, or a block such as 192.168.1.0/24, per line; # starts a comment)",
                    at: "\(source):\(index + 1)"
                )
            }
            entries.append(block)
        }
        self.entries = entries
    }

    /// Whether `address` is allowed.
    public func allows(_ address: IPAddress) -> Bool {
        entries.contains { $0.contains(address) }
    }
}

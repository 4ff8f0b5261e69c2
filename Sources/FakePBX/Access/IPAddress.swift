public import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address. IPv4 addresses and IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) are the
/// same value, so a peer connecting over a dual-stack socket matches IPv4 whitelist entries.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 16 bytes in network order; IPv4 is stored mapped (`::ffff:a.b.c.d`).
    public let bytes: [UInt8]

    private static let mappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]

    /// Parses dotted-quad IPv4 or any IPv6 text form (zone ids such as `%eth0` are not accepted).
    public init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.bytes = IPAddress.mappedPrefix + withUnsafeBytes(of: v4.s_addr) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            self.bytes = withUnsafeBytes(of: v6) { Array($0) }
            return
        }
        return nil
    }

    /// An address from its 16 bytes (IPv4 mapped), or `nil` for another count.
    init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// A connection's peer; `0.0.0.0` when there is none (an in-process test request).
    init(peer address: SocketAddress?) { self = address.flatMap(IPAddress.init) ?? IPAddress("0.0.0.0")! }

    /// The address of a connected peer, or `nil` for a Unix socket.
    public init?(_ address: SocketAddress) {
        // sockaddr_in keeps the address at byte 4, sockaddr_in6 at byte 8 (after family, port, flowinfo).
        switch address {
        case .v4:
            self.bytes =
                IPAddress.mappedPrefix
                + address.withSockAddr { pointer, _ in
                    Array(UnsafeRawBufferPointer(start: UnsafeRawPointer(pointer) + 4, count: 4))
                }
        case .v6:
            self.bytes = address.withSockAddr { pointer, _ in
                Array(UnsafeRawBufferPointer(start: UnsafeRawPointer(pointer) + 8, count: 16))
            }
        default:
            return nil
        }
    }

    /// True for IPv4 addresses, including IPv4-mapped IPv6 ones.
    public var isIPv4: Bool { bytes.starts(with: IPAddress.mappedPrefix) }

    public var description: String {
        if isIPv4 { return bytes[12...].map(String.init).joined(separator: ".") }
        var v6 = in6_addr()
        withUnsafeMutableBytes(of: &v6) { $0.copyBytes(from: bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

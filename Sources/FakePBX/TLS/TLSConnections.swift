import NIOCore
import Synchronization

/// What a finished TLS handshake established on one connection, for the journal.
public struct TLSConnectionInfo: Sendable, Hashable {
    /// `TLSv1.2` or `TLSv1.3`.
    public var version: String
    /// The name the client asked for (SNI), if it sent one.
    public var serverName: String?
    /// The subject of the client's certificate (mutual TLS), if it presented one.
    public var clientCertificate: String?

    public init(version: String, serverName: String? = nil, clientCertificate: String? = nil) {
        self.version = version
        self.serverName = serverName
        self.clientCertificate = clientCertificate
    }
}

/// The TLS facts of the open HTTPS connections, by channel: written once by the handshake, read by
/// each request's journal entry, dropped when the connection closes.
final class TLSConnections: Sendable {
    private let byChannel = Mutex<[ObjectIdentifier: TLSConnectionInfo]>([:])

    func set(_ info: TLSConnectionInfo, for channel: any Channel) {
        byChannel.withLock { $0[ObjectIdentifier(channel)] = info }
    }

    func info(for channel: any Channel) -> TLSConnectionInfo? {
        byChannel.withLock { $0[ObjectIdentifier(channel)] }
    }

    func remove(_ channel: any Channel) {
        _ = byChannel.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }
}

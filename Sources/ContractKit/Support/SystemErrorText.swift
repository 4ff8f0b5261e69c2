import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// A network or system error in words a user acts on, instead of NIO's
/// `connection reset (error set): Connection refused) (errno: 111)`.
public enum SystemErrorText {
    public static func describe(_ error: any Error) -> String {
        if let io = error as? IOError { return describe(errno: io.errnoCode) }
        if let client = error as? HTTPClientError {
            switch client {
            case .connectTimeout: return "no connection within the timeout: is the address right, and is a firewall dropping packets?"
            case .readTimeout, .deadlineExceeded: return "no answer within the timeout (--timeout)"
            case .remoteConnectionClosed: return "the server closed the connection without answering"
            default: return "\(client)"
            }
        }
        if let tls = error as? NIOSSLError { return "the TLS handshake failed (\(tls)); check --cacert, or --insecure for a test server" }
        return "\(error)"
    }

    public static func describe(errno code: CInt) -> String {
        switch code {
        case ECONNREFUSED: "connection refused: nothing listens there; check the URL and that the server is running"
        case ECONNRESET: "the connection was reset: the server (or a ban) closed it"
        case EHOSTUNREACH, ENETUNREACH: "the host cannot be reached from here"
        case ETIMEDOUT: "the connection timed out"
        case EADDRINUSE: "the address is already in use: another program listens on that port; stop it, or choose another port (0 picks a free one)"
        case EADDRNOTAVAIL: "the address is not one of this machine's; use 127.0.0.1, 0.0.0.0 or an address this machine has"
        case EACCES: "permission denied: ports below 1024 need root; choose a port above 1023"
        default: "\(String(cString: strerror(code))) (errno \(code))"
        }
    }
}

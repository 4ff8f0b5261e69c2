import AsyncHTTPClient
public import ContractKit
import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

extension ConnectionOutcome {
    /// What an upstream's failure to answer was, from AsyncHTTPClient's error: the outcome its
    /// client would have seen talking to the upstream directly.
    init(upstreamError error: any Error) {
        switch error {
        case let error as HTTPClientError:
            switch error {
            case .readTimeout, .deadlineExceeded, .writeTimeout: self = .timeout
            case .connectTimeout, .socksHandshakeTimeout, .httpProxyHandshakeTimeout: self = .unreachable
            case .tlsHandshakeTimeout: self = .tlsFailed
            default: self = .closed  // remoteConnectionClosed and the like: the connection ended without an answer
            }
        case let error as IOError:
            if [ECONNRESET, EPIPE].contains(error.errnoCode) {
                self = .reset
            } else if [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH].contains(error.errnoCode) {
                self = .unreachable
            } else {
                self = .closed
            }
        case is NIOConnectionError:
            self = .unreachable
        case let error as ChannelError:
            if case .connectTimeout = error { self = .unreachable } else { self = .closed }
        case let error as NIOSSLError:
            // A connection that ends without close_notify before an answer is an early close, not a handshake failure.
            self = error == .uncleanShutdown ? .closed : .tlsFailed
        case is BoringSSLError, is NIOSSLExtraError:
            self = .tlsFailed
        default:
            self = .closed
        }
    }

    /// What a connection that only a plain HTTP client sees (the recorder's, or replay's) does to show
    /// the outcome: the reset or the early close; held, then closed, for a timeout. A connection
    /// cannot be refused once accepted, nor fail a TLS handshake it never started, so `unreachable`
    /// is shown as a reset (what a refused connection is on the wire) and `tls-failed` as a close.
    /// `broke-off` is shown by the answer itself, cut short. A timeout holds the connection for
    /// `seconds` (what is left of the wait) and then closes it.
    func faultKind(waited seconds: Double) -> Fault.Kind? {
        switch self {
        case .reset, .unreachable: .reset
        case .closed, .tlsFailed: .emptyReply
        case .timeout: seconds > 0 ? .hang(seconds: min(seconds, 600)) : .emptyReply
        case .brokeOff: nil
        }
    }
}

import AsyncHTTPClient
import ContractKit
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

extension ConnectionOutcome {
    /// What an upstream connection that ended without an answer was, when AsyncHTTPClient says only
    /// that it closed: on Linux, SwiftNIO reports a reset that arrives as a socket error event as a
    /// plain close, so a ban's reset and an early close look the same. A new connection tells them
    /// apart without sending anything: an upstream that refuses it, or resets it within `bound`
    /// while it is silent, is refusing this client (a ban): `reset`; one that keeps it open, as a
    /// healthy server waits for a request, closed that one connection: `closed`.
    static func probed(host: String, port: Int, bound: TimeAmount = .milliseconds(1500)) async -> ConnectionOutcome {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connectTimeout(bound)
        guard let channel = try? await bootstrap.connect(host: host, port: port).get() else { return .reset }
        let closedByUpstream = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                try? await channel.closeFuture.get()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .nanoseconds(bound.nanoseconds))
                return false
            }
            let first = await group.next() ?? false
            // Closing completes the close future, so the group can end (a future ignores cancellation).
            channel.close(promise: nil)
            group.cancelAll()
            return first
        }
        return closedByUpstream ? .reset : .closed
    }
}

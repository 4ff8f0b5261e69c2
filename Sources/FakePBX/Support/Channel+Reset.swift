import NIOCore

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

extension Channel {
    /// Closes the connection with RST instead of FIN, as an iptables `REJECT --reject-with tcp-reset`
    /// looks to the client ("connection reset by peer"): SO_LINGER with a zero timeout, then close.
    ///
    /// On an HTTPS connection the close starts below the TLS handler (at ``HandshakeGuard``), so TLS
    /// sends no close_notify first: the client sees the reset, not a clean end of the stream.
    @discardableResult
    func reset() -> EventLoopFuture<Void> {
        guard let socket = self as? any SocketOptionProvider else { return close() }
        return socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).flatMap {
            self.eventLoop.submit {
                guard let below = try? self.pipeline.syncOperations.context(handlerType: HandshakeGuard.self) else { return false }
                below.close(promise: nil)
                return true
            }
        }.flatMap { closedBelowTLS in
            closedBelowTLS ? self.closeFuture : self.close()
        }
    }
}

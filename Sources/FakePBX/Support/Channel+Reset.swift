#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import NIOCore

extension Channel {
    /// Closes the connection with RST instead of FIN, as an iptables `REJECT --reject-with tcp-reset`
    /// looks to the client ("connection reset by peer"): SO_LINGER with a zero timeout, then close.
    @discardableResult
    func reset() -> EventLoopFuture<Void> {
        guard let socket = self as? any SocketOptionProvider else { return close() }
        return socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).flatMap { self.close() }
    }
}

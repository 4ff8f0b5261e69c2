import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// `serve --stop-when-stdin-closes`: the server stops (as on SIGTERM) when its standard input
/// reaches its end. A program that starts fakepbx with a pipe as its standard input (the PHP
/// client does) keeps the pipe's other end; when that program ends, however it ends (killed, a
/// fatal error), the system closes the pipe and the server stops with it instead of living on.
enum InputCloseWatch {
    /// Reads standard input on a Dispatch source from now on, discarding what comes; at its end,
    /// or if it cannot be read, sends this process SIGTERM. The source lives as long as the process.
    static func start() {
        let queue = DispatchQueue(label: "fakepbx.stdin-watch")
        let source = DispatchSource.makeReadSource(fileDescriptor: STDIN_FILENO, queue: queue)
        source.setEventHandler {
            let count = withUnsafeTemporaryAllocation(byteCount: 4096, alignment: 1) { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count > 0 || (count < 0 && (errno == EINTR || errno == EAGAIN)) { return }
            source.cancel()
            kill(getpid(), SIGTERM)
        }
        source.resume()
    }
}

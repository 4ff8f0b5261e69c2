import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTTP answer as a client saw it on the wire.
public struct HTTPResult: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body parsed as a JSON object; records a clear failure when it is not one.
    public func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw RawHTTPClient.Failure("body is not a JSON object: \(text.prefix(200))")
        }
        return object
    }
}

/// A deliberately plain HTTP/1.1 client over POSIX sockets, run on its own thread.
///
/// Tests use it instead of a library client so they can connect *from* a chosen loopback address
/// (127.0.0.2 to see a whitelist denial), send malformed bytes, and see exactly what came back.
public enum RawHTTPClient {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        /// The socket error, when a system call failed (`ECONNRESET`, `EAGAIN` for a timeout, ...).
        public var errno: Int32?
        public init(_ description: String, errno: Int32? = nil) {
            self.description = description
            self.errno = errno
        }
    }

    /// The default Content-Type of ``request(port:host:from:method:path:headers:body:contentType:timeout:)``:
    /// JSON for a body that starts as a JSON object or array (the control API's), else a form.
    public static let inferredType = "(inferred from the body)"

    /// Sends one request with `Connection: close` and reads the whole answer.
    public static func request(
        port: Int, host: String = "127.0.0.1", from source: String? = nil, method: String = "POST",
        path: String, headers: [String: String] = [:], body: String = "",
        contentType: String? = RawHTTPClient.inferredType, timeout: Int = 60
    ) async throws -> HTTPResult {
        var head = "\(method) \(path) HTTP/1.1\r\nConnection: close\r\n"
        if headers["Host"] == nil { head += "Host: \(host.contains(":") ? "[\(host)]" : host):\(port)\r\n" }
        var allHeaders = headers
        var contentType = contentType
        if contentType == RawHTTPClient.inferredType {
            contentType = body.first == "{" || body.first == "[" ? "application/json" : "application/x-www-form-urlencoded"
        }
        if let contentType, !body.isEmpty, allHeaders["Content-Type"] == nil { allHeaders["Content-Type"] = contentType }
        if !body.isEmpty || method == "POST" { allHeaders["Content-Length"] = String(body.utf8.count) }
        for (name, value) in allHeaders.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        let raw = try await exchange(port: port, host: host, from: source, bytes: Array((head + "\r\n" + body).utf8), timeout: timeout)
        return try parse(raw)
    }

    /// A POST of form fields to `path` with the default credentials.
    public static func post(
        port: Int, path: String, _ fields: [String: String], credentials: Bool = true, from source: String? = nil
    ) async throws -> HTTPResult {
        var all = fields
        if credentials {
            all["username"] = all["username"] ?? "admin"
            all["password"] = all["password"] ?? "your-password"
        }
        return try await request(port: port, from: source, path: path, body: formEncode(all))
    }

    public static func formEncode(_ fields: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.sorted { $0.key < $1.key }.map { key, value in
            "\(key.addingPercentEncoding(withAllowedCharacters: allowed)!)=\(value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&")
    }

    /// Writes `bytes` and reads until the server closes the connection.
    /// Receiving waits at most `timeout` seconds; a timeout is a ``Failure`` with errno `EAGAIN`. The
    /// default is a hang bound, generous for a debug build on a busy machine; a test that expects
    /// the wait to run out gives a short one.
    public static func exchange(
        port: Int, host: String = "127.0.0.1", from source: String? = nil, bytes: [UInt8], timeout: Int = 60
    ) async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try blockingExchange(port: port, host: host, source: source, bytes: bytes, timeout: timeout) })
            }
            thread.start()
        }
    }

    /// Whether bytes received before a failure hold a whole answer (its head and the body its
    /// Content-Length announces): then the server answered but did not close the connection.
    static func completeness(_ received: [UInt8]) -> String {
        guard let end = received.firstRange(of: Array("\r\n\r\n".utf8)) else { return received.isEmpty ? "" : " (the head was not complete)" }
        let head = String(decoding: received[..<end.lowerBound], as: UTF8.self).lowercased()
        guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
            let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        else {
            return " (no Content-Length in the head)"
        }
        let body = received.count - end.upperBound
        return body >= length
            ? " (a whole answer of \(length) body bytes had come: the server did not close the connection)"
            : " (\(body) of the \(length) body bytes announced)"
    }

    private static func blockingExchange(port: Int, host: String, source: String?, bytes: [UInt8], timeout seconds: Int) throws -> [UInt8] {
        let isV6 = host.contains(":")
        // Close-on-exec: a program the tests start meanwhile must not keep the connection open.
        let fd = socket(isV6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket() failed: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if let source {
            var local = try socketAddress(source, port: 0, v6: isV6)
            let ok = local.withUnsafeMutableBytes { raw in
                bind(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
            }
            guard ok == 0 else {
                // Linux only: every address in 127.0.0.0/8 is local there, so tests send from 127.0.0.2
                // to stand for a host outside the whitelist. Elsewhere the address needs an alias.
                throw Failure(
                    "bind to \(source) failed: errno \(errno); these tests need \(source) to be local, as every 127.0.0.0/8 address is on Linux (on macOS: sudo ifconfig lo0 alias \(source) up)"
                )
            }
        }
        var remote = try socketAddress(host, port: port, v6: isV6)
        let connected = remote.withUnsafeMutableBytes { raw in
            connect(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
        }
        guard connected == 0 else { throw Failure("connect to \(host):\(port) failed: errno \(errno)", errno: errno) }
        var sent = 0
        // A reset that arrives before the request is sent is reported by send(), and then recv() sees
        // a plain end of stream: keep the error for when no answer follows.
        var sendError: Int32?
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 {
                sendError = errno
                break  // the server may answer (413) and close before reading everything
            }
            sent += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 {
                received += buffer[0..<n]
            } else if n == 0 {
                if received.isEmpty, let sendError {
                    throw Failure("send failed: errno \(sendError), and no answer came", errno: sendError)
                }
                break
            } else {
                if errno == ECONNRESET && !received.isEmpty { break }
                throw Failure("recv failed: errno \(errno) after \(received.count) bytes\(Self.completeness(received))", errno: errno)
            }
        }
        return received
    }

    private static func socketAddress(_ host: String, port: Int, v6: Bool) throws -> [UInt8] {
        if v6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else { throw Failure("bad IPv6 address \(host)") }
            return withUnsafeBytes(of: address) { Array($0) }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw Failure("bad IPv4 address \(host)") }
        return withUnsafeBytes(of: address) { Array($0) }
    }

    /// Parses a complete HTTP/1.1 response (Content-Length or chunked).
    public static func parse(_ raw: [UInt8]) throws -> HTTPResult {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0...(max(0, raw.count - 4))).first(where: { Array(raw[$0..<min($0 + 4, raw.count)]) == separator }) else {
            throw Failure("no complete response head in \(raw.count) bytes: \(String(decoding: raw.prefix(200), as: UTF8.self))")
        }
        let lines = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure("bad status line '\(lines[0])'") }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var body = Array(raw[(end + 4)...])
        let result = HTTPResult(status: status, headers: headers, body: body)
        if result.header("Transfer-Encoding")?.lowercased() == "chunked" {
            body = try dechunk(body)
        }
        return HTTPResult(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ data: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < data.count {
            guard let lineEnd = (index..<(data.count - 1)).first(where: { data[$0] == 13 && data[$0 + 1] == 10 }) else { break }
            let sizeText = String(decoding: data[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { throw Failure("bad chunk size") }
            if size == 0 { break }
            out += data[(lineEnd + 2)..<min(data.count, lineEnd + 2 + size)]
            index = lineEnd + 2 + size + 2
        }
        return out
    }
}

import Foundation

/// One connection driven step by step by `Tests/Scripts/rawclient.py` (plain or TLS), for what a
/// connection does between and around requests: versions, `Connection`, pipelining, idle time.
public enum RawConnection {
    /// A step of the script (see the script's header).
    public enum Step: Encodable, Sendable {
        case send(String)
        case sendZeros(Int)
        /// Read exactly one answer.
        case response
        /// Read until the server closes, at most this many seconds.
        case eof(Double)
        case pause(Double)
        /// End TLS with close_notify, then close (without it, the connection ends uncleanly).
        case closeNotify

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            switch self {
            case .send(let text): try container.encode(text, forKey: .send)
            case .sendZeros(let count): try container.encode(count, forKey: .sendZeros)
            case .response: try container.encode(true, forKey: .response)
            case .eof(let seconds): try container.encode(seconds, forKey: .eof)
            case .pause(let seconds): try container.encode(seconds, forKey: .pause)
            case .closeNotify: try container.encode(true, forKey: .closeNotify)
            }
        }

        private enum Key: String, CodingKey {
            case send, response, eof, pause
            case sendZeros = "send_zeros"
            case closeNotify = "close_notify"
        }
    }

    /// What one step saw.
    public struct Outcome: Decodable, Sendable {
        public var statusLine: String?
        public var status: Int?
        public var headers: [[String]]?
        public var body: String?
        /// For `eof`: whether the server closed the connection in time, and what came before.
        public var eof: Bool?
        public var bytes: String?
        public var sent: Int?
        public var error: String?

        public func header(_ name: String) -> String? {
            headers?.first { $0.first?.lowercased() == name.lowercased() }?.last
        }

        enum CodingKeys: String, CodingKey {
            case statusLine = "status_line"
            case status, headers, body, eof, bytes, sent, error
        }
    }

    /// Runs `steps` on one connection to 127.0.0.1:`port`, over TLS trusting `caFile` when given.
    public static func run(port: Int, tls caFile: String? = nil, from source: String? = nil, _ steps: [Step]) async throws -> [Outcome] {
        var arguments = [repositoryFile("Tests/Scripts/rawclient.py").path, String(port)]
        if let caFile { arguments += ["--tls", caFile] }
        if let source { arguments += ["--source", source] }
        arguments.append(String(decoding: try JSONEncoder().encode(steps), as: UTF8.self))
        let result = try await runProcess(try python3(), arguments)
        guard result.status == 0 else {
            throw RawHTTPClient.Failure("rawclient.py failed (\(result.status)): \(result.stderr)")
        }
        return try JSONDecoder().decode([Outcome].self, from: Data(result.stdout.utf8))
    }
}

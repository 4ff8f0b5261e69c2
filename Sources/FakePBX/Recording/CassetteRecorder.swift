public import ContractKit
import Foundation
import JSONSchema
import Synchronization

/// Appends exchanges to a cassette file, rewriting it atomically after each one, so a crash loses at
/// most the exchange in flight and the file is always a valid cassette.
///
/// Each exchange is serialised once, when it is appended; a rewrite only joins the bytes, so the
/// cost per exchange stays small however long the recording runs.
public final class CassetteRecorder: Sendable {
    public let path: String
    private struct State {
        var header: [UInt8]
        var footer: [UInt8]
        var chunks: [[UInt8]]
    }
    private let state: Mutex<State>

    /// Continues the cassette at `path` when it exists (after a crash, say), or starts a new one.
    /// - Throws: `ContractError` when an existing file is not a cassette (it is left untouched).
    public init(path: String, name: String, source: String) throws(ContractError) {
        self.path = path
        let cassette = FileManager.default.fileExists(atPath: path)
            ? try Cassette.load(contentsOf: path)
            : Cassette(name: name, description: "Recorded by fakepbx record; secrets redacted.", source: source)
        // The cassette's own layout, split where the exchanges go.
        var empty = cassette
        empty.exchanges = []
        guard case .object(var root) = empty.json else { preconditionFailure("a cassette is an object") }
        root["exchanges"] = [.null]
        var bytes = JSONValue.object(root).serializedBytes(.pretty)
        bytes.append(UInt8(ascii: "\n"))
        let marker = Array("null".utf8)
        let at = (0...(bytes.count - marker.count)).last { Array(bytes[$0..<($0 + marker.count)]) == marker }!
        state = Mutex(State(
            header: Array(bytes[..<at]), footer: Array(bytes[(at + marker.count)...]),
            chunks: cassette.exchanges.map(CassetteRecorder.chunk)
        ))
    }

    private static func chunk(_ exchange: Exchange) -> [UInt8] {
        var bytes: [UInt8] = []
        Cassette.json(exchange).write(into: &bytes, options: .pretty, depth: 2)
        return bytes
    }

    /// How many exchanges the cassette holds.
    public var count: Int { state.withLock { $0.chunks.count } }

    /// Appends `exchange` and rewrites the file atomically; returns the new count.
    @discardableResult
    public func append(_ exchange: Exchange) throws(ContractError) -> Int {
        let chunk = CassetteRecorder.chunk(exchange)
        // The lock spans the write, so files are written in append order and none misses an exchange.
        let result: Result<Int, ContractError> = state.withLock { state in
            state.chunks.append(chunk)
            var file = state.header
            file.reserveCapacity(state.header.count + state.footer.count + state.chunks.reduce(0) { $0 + $1.count + 6 })
            for (index, piece) in state.chunks.enumerated() {
                if index > 0 { file.append(contentsOf: Array(",\n    ".utf8)) }
                file.append(contentsOf: piece)
            }
            file.append(contentsOf: state.footer)
            do {
                try Data(file).write(to: URL(fileURLWithPath: path), options: .atomic)
                return .success(state.chunks.count)
            } catch {
                return .failure(ContractError(.fileAccess, "cannot write the cassette: \(error.localizedDescription)", at: path))
            }
        }
        return try result.get()
    }
}

public import ContractKit
import Foundation
import JSONSchema
import Synchronization

/// Appends exchanges to a cassette file as they complete. The file is a valid cassette after every
/// exchange: each append is one write, at the end of the file, of the new exchange followed by the
/// closing brackets, which either happens whole or not at all when the process is killed, so a
/// crash loses at most the exchange in flight. The cost per exchange does not grow with the file.
public final class CassetteRecorder: Sendable {
    public let path: String
    private struct State {
        var handle: FileHandle
        var footer: [UInt8]
        var count: Int
        /// Where the closing brackets start.
        var end: UInt64
    }
    private let state: Mutex<State>

    /// Continues the cassette at `path` when it exists (after a crash, say), or starts a new one.
    /// - Throws: `ContractError` when an existing file is not a cassette (it is left untouched), or the
    ///   file cannot be written.
    public init(path: String, name: String, source: String) throws(ContractError) {
        self.path = path
        let cassette =
            FileManager.default.fileExists(atPath: path)
            ? try Cassette.load(contentsOf: path)
            : Cassette(name: name, description: "Recorded by fakepbx record; secrets redacted.", source: source)
        // The cassette's own layout, split where the exchanges go.
        var empty = cassette
        empty.exchanges = []
        guard case .object(var root) = empty.json else { preconditionFailure("a cassette is an object") }
        root["exchanges"] = [.null]
        var layout = JSONValue.object(root).serializedBytes(.pretty)
        layout.append(UInt8(ascii: "\n"))
        let marker = Array("null".utf8)
        let at = (0...(layout.count - marker.count)).last { Array(layout[$0..<($0 + marker.count)]) == marker }!
        let header = Array(layout[..<at])
        let footer = Array(layout[(at + marker.count)...])

        // Start from a file in exactly this layout (written atomically), then append in place.
        var file = header
        for (index, exchange) in cassette.exchanges.enumerated() {
            if index > 0 { file += CassetteRecorder.separator }
            file += CassetteRecorder.chunk(exchange)
        }
        let end = UInt64(file.count)
        file += footer
        do {
            try AtomicFile.write(file, to: path)
        } catch {
            throw ContractError(.fileAccess, "cannot write the cassette: \(error.localizedDescription)", at: path)
        }
        guard let handle = FileHandle(forUpdatingAtPath: path) else {
            throw ContractError(.fileAccess, "cannot open the cassette for writing (check its permissions)", at: path)
        }
        state = Mutex(State(handle: handle, footer: footer, count: cassette.exchanges.count, end: end))
    }

    deinit { state.withLock { try? $0.handle.close() } }

    private static let separator = Array(",\n    ".utf8)

    private static func chunk(_ exchange: Exchange) -> [UInt8] {
        var bytes: [UInt8] = []
        Cassette.json(exchange).write(into: &bytes, options: .pretty, depth: 2)
        return bytes
    }

    /// How many exchanges the cassette holds.
    public var count: Int { state.withLock { $0.count } }

    /// Appends `exchange` to the file; returns the new count.
    @discardableResult
    public func append(_ exchange: Exchange) throws(ContractError) -> Int {
        let chunk = CassetteRecorder.chunk(exchange)
        let result: Result<Int, ContractError> = state.withLock { state in
            var bytes = state.count > 0 ? CassetteRecorder.separator : []
            bytes += chunk
            let end = state.end + UInt64(bytes.count)
            bytes += state.footer
            do {
                try state.handle.seek(toOffset: state.end)
                try state.handle.write(contentsOf: bytes)
                state.end = end
                state.count += 1
                return .success(state.count)
            } catch {
                return .failure(ContractError(.fileAccess, "cannot write the cassette: \(error.localizedDescription)", at: path))
            }
        }
        return try result.get()
    }
}

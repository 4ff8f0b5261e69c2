public import ContractKit
import Foundation
import Synchronization

/// Appends exchanges to a cassette file, rewriting it atomically after each one, so a crash loses at
/// most the exchange in flight and the file is always a valid cassette.
public final class CassetteRecorder: Sendable {
    public let path: String
    private let cassette: Mutex<Cassette>

    /// Continues the cassette at `path` when it exists (after a crash, say), or starts a new one.
    /// - Throws: `ContractError` when an existing file is not a cassette (it is left untouched).
    public init(path: String, name: String, source: String) throws(ContractError) {
        self.path = path
        if FileManager.default.fileExists(atPath: path) {
            cassette = Mutex(try Cassette.load(contentsOf: path))
        } else {
            cassette = Mutex(Cassette(name: name, description: "Recorded by fakepbx record; secrets redacted.", source: source))
        }
    }

    /// How many exchanges the cassette holds.
    public var count: Int { cassette.withLock { $0.exchanges.count } }

    /// Appends `exchange` and writes the cassette; returns the new count.
    @discardableResult
    public func append(_ exchange: Exchange) throws(ContractError) -> Int {
        let snapshot = cassette.withLock { cassette in
            cassette.exchanges.append(exchange)
            return cassette
        }
        // Writes are ordered by the lock above only loosely; the last writer always holds every
        // exchange appended before it, so the file never loses one that completed.
        try snapshot.write(to: path)
        return snapshot.exchanges.count
    }
}

import Foundation
import Logging
import ServiceLifecycle

/// Re-reads the whitelist file when its content changes, so edits take effect without a restart.
///
/// A bad edit is logged once and the previous whitelist stays in force, as a running PBX would keep
/// its last good configuration. Each reload is journalled (`whitelist-reloaded`,
/// `whitelist-rejected`), so a script or test can wait for it.
struct WhitelistFileWatcher: Service {
    let path: String
    let policy: AccessPolicy
    let initialContent: Data
    let logger: Logger
    let journal: RequestJournal
    let clock: PBXClock
    var interval: Duration = .milliseconds(200)
    /// The address the journal shows the watcher's events under: the server itself.
    static let local = IPAddress("127.0.0.1")!

    /// Whether `path` is a regular file, which can be re-read. A pipe or device is read once at
    /// start-up: a second read would find the pipe empty, or block.
    static func canWatch(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular
    }

    func run() async throws {
        var lastSeen = initialContent
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            guard let data = FileManager.default.contents(atPath: path), data != lastSeen else { continue }
            lastSeen = data
            do {
                let whitelist = try Whitelist(parsing: String(decoding: data, as: UTF8.self), source: path)
                policy.reconfigureWhitelist(whitelist)
                logger.notice(
                    "whitelist reloaded",
                    metadata: ["file": "\(path)", "entries": "\(whitelist.entries.count)"]
                )
                journal.event("whitelist-reloaded", client: Self.local, time: clock.now, detail: "\(path): \(whitelist.entries.count) entries")
            } catch {
                logger.error(
                    "whitelist edit rejected; previous whitelist stays in force",
                    metadata: ["error": "\(error)"]
                )
                journal.event("whitelist-rejected", client: Self.local, time: clock.now, detail: "\(error); the previous whitelist stays in force")
            }
        }
    }
}

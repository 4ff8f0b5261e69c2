import Foundation
import Synchronization

/// Writes each failed login as FusionPBX's syslog line, so a real fail2ban with FusionPBX's
/// `fusionpbx` filter (`.* FusionPBX: \[<HOST>\] authentication failed for`) bans from it:
/// `Aug 21 14:03:07 pbx FusionPBX: [203.0.113.5] authentication failed for admin`.
public final class AuthLog: Sendable {
    public let path: String
    private let hostname: String
    private let handle: Mutex<FileHandle?>

    /// Opens (creating) `path` for appending.
    /// - Throws: ``FakePBXError`` when the file cannot be opened.
    public init(path: String, hostname: String = "fakepbx") throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw FakePBXError(.fileAccess, "cannot create the auth log (check the folder exists and is writable)", at: path)
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw FakePBXError(.fileAccess, "cannot open the auth log for writing (check its permissions)", at: path)
        }
        handle.seekToEndOfFile()
        self.path = path
        self.hostname = hostname
        self.handle = Mutex(handle)
    }

    /// The line for a failed login at `epochSeconds` (syslog's local-time-less `Mmm dd HH:MM:SS`, in UTC).
    public static func line(epochSeconds: Int, host: String, address: IPAddress, user: String) -> String {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let stamp = Timestamp.iso8601(epochSeconds)  // 2026-11-23T12:00:00Z
        let month = months[(Int(stamp.dropFirst(5).prefix(2)) ?? 1) - 1]
        let day = Int(stamp.dropFirst(8).prefix(2)) ?? 1
        let dayText = day < 10 ? " \(day)" : "\(day)"
        let time = stamp.dropFirst(11).prefix(8)
        // The user name is the client's text: keep it on one line.
        let safeUser = String(user.map { $0.isNewline || $0 == "\r" ? " " : $0 })
        return "\(month) \(dayText) \(time) \(host) FusionPBX: [\(address)] authentication failed for \(safeUser)\n"
    }

    func failedLogin(epochSeconds: Int, address: IPAddress, user: String) {
        let text = AuthLog.line(epochSeconds: epochSeconds, host: hostname, address: address, user: user)
        handle.withLock { $0?.write(Data(text.utf8)) }
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A file written whole or not at all: the bytes go to an unnamed temporary file in the target's
/// folder (Linux `O_TMPFILE`), which is linked into place only once complete and flushed. A process
/// killed at any moment leaves the previous target intact and no stray file, since an unnamed file
/// vanishes with its last descriptor. Where the file system has no `O_TMPFILE`, a named temporary
/// (`.NAME.fakepbx-PID.tmp`) is used instead, and those left by dead processes are removed at the
/// next write.
public struct AtomicFile {
    /// Why a file could not be written: what failed, the system's reason, and the file.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var path: String
        public var description: String { "\(path): \(message)" }
    }

    /// Writes `bytes` to `path` whole or not at all.
    public static func write(_ bytes: some ContiguousBytes, to path: String) throws(Failure) {
        let file = try AtomicFile(path: path)
        try file.write(bytes)
        try file.commit()
    }

    public let path: String
    let descriptor: Int32
    /// The named temporary, when `O_TMPFILE` was not available.
    private let temporary: String?

    /// Opens the temporary file for `path`.
    public init(path: String) throws(Failure) {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        #if os(Linux)
        let unnamed = open(folder, AtomicFile.oTmpFile | O_WRONLY, 0o644)
        #else
        let unnamed: Int32 = -1
        #endif
        if unnamed >= 0 {
            descriptor = unnamed
            temporary = nil
            return
        }
        AtomicFile.removeStaleTemporaries(of: url)
        let named = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).fakepbx-\(getpid()).tmp").path
        let fallback = open(named, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fallback >= 0 else {
            throw Failure(
                message: "cannot create the file: \(String(cString: strerror(errno))) (check the folder exists and is writable)", path: path)
        }
        descriptor = fallback
        temporary = named
    }

    /// `O_TMPFILE`: glibc defines it as `__O_TMPFILE | O_DIRECTORY`, a macro Swift does not import.
    private static let oTmpFile: Int32 = 0o20000000 | O_DIRECTORY

    /// Writes all of `bytes`, retrying short writes and interruptions.
    public func write(_ bytes: some ContiguousBytes) throws(Failure) {
        let result: Int32 = bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return 0
        }
        if result != 0 { throw failure("cannot write the file", result) }
    }

    /// Flushes the file and puts it in place of `path`.
    public func commit() throws(Failure) {
        guard fsync(descriptor) == 0 else { throw failure("cannot flush the file to disk", errno) }
        if let temporary {
            close(descriptor)
            guard rename(temporary, path) == 0 else { throw failure("cannot move the finished file into place", errno) }
            return
        }
        // linkat cannot replace a file: link under a fresh name, then rename over the target.
        let staging = URL(fileURLWithPath: path).deletingLastPathComponent()
            .appendingPathComponent(".\(URL(fileURLWithPath: path).lastPathComponent).fakepbx-\(getpid()).tmp").path
        unlink(staging)
        guard linkat(AT_FDCWD, "/proc/self/fd/\(descriptor)", AT_FDCWD, staging, AT_SYMLINK_FOLLOW) == 0 else {
            let code = errno
            close(descriptor)
            throw failure("cannot link the finished file into its folder", code)
        }
        close(descriptor)
        guard rename(staging, path) == 0 else {
            let code = errno
            unlink(staging)
            throw failure("cannot move the finished file into place", code)
        }
    }

    /// Gives up: the target stays as it was and the temporary goes.
    public func abandon() {
        close(descriptor)
        if let temporary { unlink(temporary) }
    }

    private func failure(_ what: String, _ code: Int32) -> Failure {
        abandon()
        return Failure(message: "\(what): \(String(cString: strerror(code)))", path: path)
    }

    /// Removes `.NAME.fakepbx-PID.tmp` files whose process is gone.
    private static func removeStaleTemporaries(of url: URL) {
        let folder = url.deletingLastPathComponent()
        let prefix = ".\(url.lastPathComponent).fakepbx-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            let pid = Int32(name.dropFirst(prefix.count).dropLast(4)) ?? 0
            if pid > 0, kill(pid, 0) != 0, errno == ESRCH {
                unlink(folder.appendingPathComponent(name).path)
            }
        }
    }
}

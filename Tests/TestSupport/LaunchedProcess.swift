import Foundation
import Synchronization
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// A program started in the background whose standard output is read line by line.
public final class LaunchedProcess: Sendable {
    private let process: ChildProcess
    private let lines = Mutex<[String]>([])
    private let errorText = Mutex("")
    /// How many of the two output readers reached the end of their pipe.
    private let readersDone = Mutex(0)
    /// Standard output read past its last newline.
    private let partialLine = Mutex<[UInt8]>([])

    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async throws {
        let out = try FileDescriptor.pipe()
        let err = try FileDescriptor.pipe()
        do {
            process = try await ChildProcess(executable, arguments, environment: environment, output: out.writeEnd, error: err.writeEnd)
        } catch {
            try? out.readEnd.close()
            try? err.readEnd.close()
            throw error
        }
        let readerLines = self
        Self.read(out.readEnd) { chunk in
            let complete = readerLines.partialLine.withLock { buffer in
                buffer += chunk
                var lines: [String] = []
                while let newline = buffer.firstIndex(of: 10) {
                    lines.append(String(decoding: buffer[..<newline], as: UTF8.self))
                    buffer.removeSubrange(...newline)
                }
                return lines
            }
            readerLines.lines.withLock { $0 += complete }
        } done: {
            readerLines.readersDone.withLock { $0 += 1 }
        }
        // Read as it comes, so what the process said so far is there while it runs.
        Self.read(err.readEnd) { chunk in
            readerLines.errorText.withLock { $0 += String(decoding: chunk, as: UTF8.self) }
        } done: {
            readerLines.readersDone.withLock { $0 += 1 }
        }
    }

    /// Reads `fd` on a thread of its own until its end, handing over each chunk, then closes it and
    /// calls `done`. read(2) is retried when a signal interrupts it (EINTR).
    private static func read(_ fd: FileDescriptor, chunk: @escaping @Sendable ([UInt8]) -> Void, done: @escaping @Sendable () -> Void) {
        Thread {
            var bytes = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = Glibc.read(fd.rawValue, &bytes, bytes.count)
                if count > 0 {
                    chunk(Array(bytes[..<count]))
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            try? fd.close()
            done()
        }.start()
    }

    public var output: [String] { lines.withLock { $0 } }
    public var standardError: String { errorText.withLock { $0 } }
    public var isRunning: Bool { process.isRunning }
    public var exitStatus: Int32 { process.exitStatus }
    /// Its process id (for `/proc/PID/…`).
    public var pid: Int32 { process.pid }

    /// Waits until at least `count` lines were printed.
    public func waitForLines(_ count: Int, timeout: Duration = .seconds(20)) async throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let current = output
            if current.count >= count { return current }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        if output.count >= count { return output }
        throw RawHTTPClient.Failure("expected \(count) lines of output, got \(output) (stderr: \(standardError))")
    }

    /// Waits until a printed line contains `text`; returns that line.
    public func waitForLine(containing text: String, timeout: Duration = .seconds(60)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        repeat {
            if let line = output.first(where: { $0.contains(text) }) { return line }
            if !process.isRunning, readersDone.withLock({ $0 }) == 2 { break }
            try await Task.sleep(for: .milliseconds(20))
        } while ContinuousClock.now < deadline
        if let line = output.first(where: { $0.contains(text) }) { return line }
        throw RawHTTPClient.Failure("no line containing '\(text)' in \(output.suffix(20)) (stderr: \(standardError.suffix(2000)))")
    }

    public func signal(_ signal: Int32) { process.signal(signal) }

    /// Waits for the process to exit and its output to be read; returns how long that took, or nil if
    /// it did not exit in time.
    public func waitForExit(timeout: Duration) async throws -> Duration? {
        let start = ContinuousClock.now
        // Exited, and everything it wrote has been read. Looked at once more at the bound: a test
        // resumed late on a busy pool must not miss what already happened.
        var exited: Bool { !process.isRunning && readersDone.withLock { $0 } == 2 }
        while ContinuousClock.now - start < timeout {
            if exited { return ContinuousClock.now - start }
            try await Task.sleep(for: .milliseconds(10))
        }
        return exited ? ContinuousClock.now - start : nil
    }

}

/// The `fakepbx` the end-to-end tests run: `FAKEPBX_BINARY` when set (`.ci/run` sets the release
/// binary, the one that ships), else the build next to the test bundle.
public func fakepbxExecutable() throws -> String {
    if let chosen = ProcessInfo.processInfo.environment["FAKEPBX_BINARY"], !chosen.isEmpty {
        guard FileManager.default.isExecutableFile(atPath: chosen) else {
            throw RawHTTPClient.Failure("FAKEPBX_BINARY is \(chosen), which is not an executable file; run scripts/release or unset it")
        }
        return chosen
    }
    let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("fakepbx")
    if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests.path }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let debug = root.appendingPathComponent(".build/debug/fakepbx")
    if FileManager.default.isExecutableFile(atPath: debug.path) { return debug.path }
    throw RawHTTPClient.Failure("the fakepbx executable was not found beside the tests (\(besideTests.path)); run 'swift build' first")
}

/// The HTTP port in a `fakepbx serve` banner line (`… http://127.0.0.1:PORT (…`), when it has one.
public func bannerPort(_ line: String) -> Int? { line.firstMatch(of: #/:(\d+) \(/#).flatMap { Int($0.1) } }

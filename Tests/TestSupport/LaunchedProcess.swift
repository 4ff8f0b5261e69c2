#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// A program started in the background whose standard output is read line by line.
public final class LaunchedProcess: Sendable {
    private let process: Process
    private let lines: Mutex<[String]>
    private let errorText: Mutex<String>

    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        let (process, out, err) = makeProcess(executable, arguments, environment: environment)
        self.process = process
        self.lines = Mutex([])
        self.errorText = Mutex("")
        try process.run()
        let readerLines = self
        Thread {
            var buffer = Data()
            while true {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                while let newline = buffer.firstIndex(of: 10) {
                    let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex...newline)
                    readerLines.lines.withLock { $0.append(line) }
                }
            }
        }.start()
        Thread {
            let data = err.fileHandleForReading.readDataToEndOfFile()
            readerLines.errorText.withLock { $0 = String(decoding: data, as: UTF8.self) }
        }.start()
    }

    public var output: [String] { lines.withLock { $0 } }
    public var standardError: String { errorText.withLock { $0 } }
    public var isRunning: Bool { process.isRunning }
    public var exitStatus: Int32 { process.terminationStatus }

    /// Waits until at least `count` lines were printed.
    public func waitForLines(_ count: Int, timeout: Duration = .seconds(20)) async throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let current = output
            if current.count >= count { return current }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw RawHTTPClient.Failure("expected \(count) lines of output, got \(output) (stderr: \(standardError))")
    }

    public func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the process to exit; returns how long that took, or nil if it did not exit in time.
    public func waitForExit(timeout: Duration) async throws -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < timeout {
            if !process.isRunning { return ContinuousClock.now - start }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// The built `fakepbx` executable next to the test bundle.
public func fakepbxExecutable() throws -> String {
    let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("fakepbx")
    if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests.path }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let debug = root.appendingPathComponent(".build/debug/fakepbx")
    if FileManager.default.isExecutableFile(atPath: debug.path) { return debug.path }
    throw RawHTTPClient.Failure("the fakepbx executable was not found beside the tests (\(besideTests.path)); run 'swift build' first")
}

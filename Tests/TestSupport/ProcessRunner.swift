#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Foundation

/// The outcome of running a program to completion.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs a program to completion without blocking the concurrency pool.
public func runProcess(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil
) async throws -> ProcessResult {
    let (process, out, err) = makeProcess(executable, arguments, environment: environment)
    return try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do {
                try process.run()
                let stdout = out.fileHandleForReading.readDataToEndOfFile()
                let stderr = err.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(
                    returning: ProcessResult(
                        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                        stderr: String(decoding: stderr, as: UTF8.self)
                    )
                )
            } catch {
                continuation.resume(throwing: error)
            }
        }
        thread.start()
    }
}

/// A process with piped standard output and error and no standard input.
func makeProcess(_ executable: String, _ arguments: [String], environment: [String: String]?) -> (Process, Pipe, Pipe) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    return (process, out, err)
}

/// A program left running while a test goes on (`curl -N` following a stream): its standard output
/// goes to a file the test can read at any time; `stop()` ends it.
public final class BackgroundProcess: @unchecked Sendable {
    private let process = Process()
    /// Where standard output is written.
    public let output: URL

    public init(_ executable: String, _ arguments: [String]) throws {
        output = FileManager.default.temporaryDirectory.appendingPathComponent("background-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// What it has written so far.
    public var text: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    /// Waits until its output contains every one of `texts` (at most `seconds`), and returns it.
    public func wait(for texts: [String], seconds: Double = 15) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let text = self.text
            if texts.allSatisfy(text.contains) { return text }
            if !process.isRunning { return self.text }
            try await Task.sleep(for: .milliseconds(50))
        }
        return text
    }

    /// Whether it is still running.
    public var isRunning: Bool { process.isRunning }

    /// Ends it (SIGKILL) and removes its output file. Foundation's `waitUntilExit` spins in a run
    /// loop on Linux, so this only signals; the program is gone at once.
    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: output)
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}

/// Python 3 from the PATH (the browser tests' Playwright scripts run on it), or an error saying so.
public func python3() throws -> String {
    let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/python3" }
    guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw RawHTTPClient.Failure("this test runs a Python script (scripts/browser/), and no python3 is on the PATH; apt-get install python3")
    }
    return python
}

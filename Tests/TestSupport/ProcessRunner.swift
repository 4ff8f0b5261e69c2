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

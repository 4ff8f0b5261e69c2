import Foundation
import Subprocess
import Synchronization
import SystemPackage

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The outcome of running a program to completion.
public struct ProcessResult: Sendable {
    /// The exit code, or the signal's number when a signal ended it.
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs a program to completion, reading its standard output and error at the same time (a
/// program that fills one pipe while the other is read cannot block).
///
/// Every program the tests start goes through swift-subprocess, which closes each descriptor above
/// standard error in the child (`posix_spawn_file_actions_addclosefrom_np`). Foundation's `Process`
/// closes only those open when it looked: a socket the test process's servers accepted meanwhile
/// (NIO accepts without `SOCK_CLOEXEC`) stayed open in the child, and the server's `close(2)` then
/// sent no FIN until that child exited.
public func runProcess(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil, hangBound: Duration = .seconds(900)
) async throws -> ProcessResult {
    // A program that hangs (seen once: a deadlock at shutdown in a dependency) fails its test after
    // the bound, killed by swift-subprocess's teardown when its task is cancelled.
    try await withThrowingTaskGroup(of: ProcessResult?.self) { group in
        group.addTask {
            let result = try await Subprocess.run(
                .path(FilePath(executable)), arguments: Arguments(arguments), environment: subprocessEnvironment(environment),
                input: .none, output: .bytes(limit: 1 << 30), error: .bytes(limit: 1 << 28)
            )
            return ProcessResult(
                status: result.terminationStatus.code, stdout: String(decoding: result.standardOutput, as: UTF8.self),
                stderr: String(decoding: result.standardError, as: UTF8.self)
            )
        }
        group.addTask {
            try await Task.sleep(for: hangBound)
            return nil
        }
        let first = try await group.next() ?? nil
        group.cancelAll()
        guard let first else {
            throw RawHTTPClient.Failure(
                "\(executable) \(arguments.prefix(4).joined(separator: " ")) did not finish within \(hangBound): killed as hung")
        }
        return first
    }
}

func subprocessEnvironment(_ environment: [String: String]?) -> Subprocess.Environment {
    guard let environment else { return .inherit }
    return .custom(
        Dictionary(
            uniqueKeysWithValues: environment.compactMap { name, value in
                Subprocess.Environment.Key(rawValue: name).map { ($0, value) }
            }))
}

extension TerminationStatus {
    /// The exit code, or the signal's number.
    var code: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): signal
        }
    }
}

/// A program started in the background through swift-subprocess, its standard output and error
/// sent where the caller says; it runs until it exits or is signalled.
final class ChildProcess: Sendable {
    /// What the task that runs the program tells the rest.
    private final class State: Sendable {
        let exit = Mutex<Int32?>(nil)
        let started = Mutex<CheckedContinuation<pid_t, any Error>?>(nil)
    }

    let pid: pid_t
    private let state = State()

    /// Starts `executable` and returns once it is running (its process id is known).
    init(
        _ executable: String, _ arguments: [String], environment: [String: String]?,
        output: FileDescriptor?, error: FileDescriptor?
    ) async throws {
        let state = self.state
        let output = try output ?? FileDescriptor.open("/dev/null", .writeOnly)
        let error = try error ?? FileDescriptor.open("/dev/null", .writeOnly)
        pid = try await withCheckedThrowingContinuation { continuation in
            state.started.withLock { $0 = continuation }
            // On threads of their own: the exit is recorded when this task resumes, and the cooperative
            // pool can be held for seconds by synchronous test bodies, the servers' threads by their work.
            Task(executorPreference: ThreadPoolExecutor.processes) {
                do {
                    let result = try await Subprocess.run(
                        .path(FilePath(executable)), arguments: Arguments(arguments), environment: subprocessEnvironment(environment),
                        input: .none, output: .fileDescriptor(output, closeAfterSpawningProcess: true),
                        error: .fileDescriptor(error, closeAfterSpawningProcess: true)
                    ) { execution in
                        state.started.withLock { $0.take() }?.resume(returning: execution.processIdentifier.value)
                    }
                    state.exit.withLock { $0 = result.terminationStatus.code }
                } catch {
                    state.exit.withLock { $0 = -1 }
                    state.started.withLock { $0.take() }?.resume(throwing: error)
                }
            }
        }
    }

    var isRunning: Bool { state.exit.withLock { $0 == nil } }
    /// The exit code (or signal), -1 while it runs.
    var exitStatus: Int32 { state.exit.withLock { $0 ?? -1 } }

    func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    deinit { if isRunning { kill(pid, SIGKILL) } }
}

/// A program left running while a test goes on (`curl -N` following a stream): its standard output
/// goes to a file the test can read at any time; `stop()` ends it.
public final class BackgroundProcess: Sendable {
    private let process: ChildProcess
    /// Where standard output is written.
    public let output: URL

    public init(_ executable: String, _ arguments: [String]) async throws {
        output = FileManager.default.temporaryDirectory.appendingPathComponent("background-\(UUID().uuidString).out")
        let file = try FileDescriptor.open(FilePath(output.path), .writeOnly, options: [.create, .truncate], permissions: .ownerReadWrite)
        process = try await ChildProcess(executable, arguments, environment: nil, output: file, error: nil)
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

    /// Ends it (SIGKILL) and removes its output file.
    public func stop() {
        process.signal(SIGKILL)
        try? FileManager.default.removeItem(at: output)
    }
}

/// A program from the PATH, or an error naming what needs it and how to install it (a missing
/// tool fails the test that needs it, never skips it).
public func toolOnPath(_ name: String, neededFor purpose: String, install: String) throws -> String {
    let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/\(name)" }
    guard let tool = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw RawHTTPClient.Failure("\(purpose) needs '\(name)', which is not on the PATH; \(install) (.ci/run does)")
    }
    return tool
}

/// Python 3 from the PATH (the browser tests' Playwright scripts run on it), or an error saying so.
public func python3() throws -> String {
    try toolOnPath("python3", neededFor: "this test runs a Python script (scripts/browser/)", install: "apt-get install python3")
}

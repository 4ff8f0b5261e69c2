import FakePBX
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A fake PBX running on a free loopback port for the duration of a test.
public struct TestServer: Sendable {
    public let port: Int
    /// The HTTPS port, when the configuration turned HTTPS on.
    public var httpsPort: Int? = nil
    /// The control API's own port, when the configuration gave it one.
    public var adminPort: Int? = nil
    public let configuration: FakePBXConfiguration

    public init(port: Int, httpsPort: Int? = nil, adminPort: Int? = nil, configuration: FakePBXConfiguration) {
        self.port = port
        self.httpsPort = httpsPort
        self.adminPort = adminPort
        self.configuration = configuration
    }

    /// `https://127.0.0.1:PORT`, or a failure when HTTPS is off.
    public func httpsURL(_ path: String = "", host: String = "127.0.0.1") throws -> String {
        guard let httpsPort else { throw RawHTTPClient.Failure("HTTPS is off; set configuration.tls.port = 0") }
        return "https://\(host):\(httpsPort)\(path)"
    }

    /// `http://127.0.0.1:PORT`.
    public func httpURL(_ path: String = "") -> String { "http://127.0.0.1:\(port)\(path)" }

    /// POSTs form fields with the default credentials (unless `credentials` is false).
    public func post(_ path: String, _ fields: [String: String] = [:], credentials: Bool = true, from source: String? = nil) async throws
        -> HTTPResult
    {
        try await RawHTTPClient.post(port: port, path: path, fields, credentials: credentials, from: source)
    }

    /// A control-API call (`/__fakepbx/PATH`) with a JSON body (or `type`), through `--admin-port`
    /// when the server has one (bans do not apply there).
    public func control(
        _ method: String, _ path: String, _ body: String = "", type: String = "application/json", headers: [String: String] = [:]
    ) async throws -> HTTPResult {
        try await RawHTTPClient.request(
            port: adminPort ?? port, method: method, path: "/__fakepbx/\(path)", headers: headers, body: body, contentType: type)
    }

    /// POSTs and returns the JSON object of the answer.
    public func json(_ path: String, _ fields: [String: String] = [:]) async throws -> [String: Any] {
        try await post(path, fields).json()
    }
}

/// A logger that drops everything, for tests.
public let quietLogger = Logger(label: "fakepbx-test") { _ in SwiftLogNoOpLogHandler() }

/// A fixed instant for tests that need known CDR dates: 2026-11-23 12:00:00 UTC.
public let fixedNow: Double = 1_795_435_200

/// Runs `body` against a real fakepbx listening on 127.0.0.1 and a free port, then shuts it down.
public func withFakePBX<T: Sendable>(
    _ configure: (inout FakePBXConfiguration) -> Void = { _ in },
    clock: PBXClock = PBXClock { fixedNow },
    eventLoops: EventLoopGroupProvider = .singleton,
    _ body: (TestServer) async throws -> T
) async throws -> T {
    var configuration = FakePBXConfiguration()
    configuration.port = 0
    configure(&configuration)
    let (ports, continuation) = AsyncStream<ListeningInfo>.makeStream()
    let application = try buildApplication(configuration: configuration, logger: quietLogger, clock: clock, eventLoops: eventLoops) { info, _ in
        continuation.yield(info)
    }
    return try await withRunning(application, ports: ports) { info in
        try await body(TestServer(port: info.port, httpsPort: info.httpsPort, adminPort: info.adminPort, configuration: configuration))
    }
}

/// Runs `application` until `body` returns; `body` gets the port it reports on `ports`. A bounded
/// shutdown like `fakepbx serve`'s: held or hanging connections cannot stall a test. The server's
/// tasks run on ``ThreadPoolExecutor/servers``, so busy test bodies cannot starve it.
public func withRunning<T: Sendable, Port: Sendable>(
    _ application: some Service, ports: AsyncStream<Port>, _ body: (Port) async throws -> T
) async throws -> T {
    var groupConfiguration = ServiceGroupConfiguration(services: [application], logger: quietLogger)
    groupConfiguration.maximumGracefulShutdownDuration = .milliseconds(1200)
    // Longer than `fakepbx serve`'s 500 ms: ServiceLifecycle stops the whole process when a
    // cancellation outlasts it, and dozens of servers run at once here on a debug build, where a
    // CDR answer's work (not cancellable, see offTheEventLoop) can take seconds: a bound against a
    // hang only.
    groupConfiguration.maximumCancellationDuration = .seconds(30)
    let group = ServiceGroup(configuration: groupConfiguration)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        // The server's tasks, and the child tasks they start, run on ThreadPoolExecutor.servers's threads.
        tasks.addTask(executorPreference: ThreadPoolExecutor.servers) { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw RawHTTPClient.Failure("server did not start") }
        let result: Result<T, any Error>
        do {
            result = .success(try await body(port))
        } catch {
            result = .failure(error)
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return try result.get()
    }
}

/// A scratch directory removed when `body` returns.
public func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("fakepbx-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}

/// The project's `../shared` folder, or a failure that says it is missing.
public func sharedFolder(_ relative: String, file: String = #filePath) throws -> URL {
    let root = URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let url = root.deletingLastPathComponent().appendingPathComponent("shared").appendingPathComponent(relative)
    guard FileManager.default.fileExists(atPath: url.path) else {
        throw RawHTTPClient.Failure("\(url.path) is missing: these tests read the shared reference material from ../shared next to the project")
    }
    return url
}

/// A file of this repository (`Contracts/catalog.json`, `Recordings/ictvoip-docs.json`).
public func repositoryFile(_ relative: String, file: String = #filePath) -> URL {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(relative)
}

/// Runs `body` with a recording proxy on a free loopback port, then shuts it down.
public func withRecordingProxy<T: Sendable>(
    _ configuration: RecordingConfiguration, _ body: (Int) async throws -> T
) async throws -> T {
    var configuration = configuration
    configuration.port = 0
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let application = try buildRecordingProxy(configuration: configuration, logger: quietLogger) { info in continuation.yield(info.port) }
    return try await withRunning(application, ports: ports, body)
}

/// Polls `condition` until it holds or `timeout` passes.
public func eventually(timeout: Duration = .seconds(5), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()  // once more at the bound: a late resumption must not miss it
}

/// Runs CPU-heavy `work` on a Dispatch thread: a test that computed for seconds on Swift's cooperative
/// pool (one thread per core) would starve the servers other tests run, and their shutdowns with them.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}

/// Reads `value` until `until` holds for it or `timeout` passes; the last value read. For what a
/// server records just after the client has its answer (a handshake failure seen at hang-up).
public func waitFor<T>(
    timeout: Duration = .seconds(5), _ value: () async throws -> T?, until: (T) -> Bool
) async throws -> T? {
    let deadline = ContinuousClock.now + timeout
    var last = try await value()
    while !(last.map(until) ?? false), ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(20))
        last = try await value()
    }
    return last
}

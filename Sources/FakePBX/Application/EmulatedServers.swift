public import Logging
import ServiceLifecycle

/// Runs `body` with one emulated FusionPBX per configuration, each listening on a free loopback
/// port, and stops them when it returns: what `fakepbx upgrade check --from 5.4.9 --to 5.5.7` runs
/// its traffic against.
/// - Parameters:
///   - configurations: One server each; their ports are replaced by 0.
///   - body: Gets the servers' addresses, in the order of `configurations`.
/// - Throws: What building a server throws (a bad dataset), or `body`'s error.
public func withEmulatedServers<T: Sendable>(
    _ configurations: [FakePBXConfiguration], logger: Logger, _ body: ([ListeningInfo]) async throws -> T
) async throws -> T {
    var services: [any Service] = []
    var streams: [AsyncStream<ListeningInfo>] = []
    for var configuration in configurations {
        configuration.port = 0
        configuration.portFile = nil
        let (stream, continuation) = AsyncStream<ListeningInfo>.makeStream()
        services.append(try buildApplication(configuration: configuration, logger: logger) { info, _ in continuation.yield(info) })
        streams.append(stream)
    }
    var groupConfiguration = ServiceGroupConfiguration(services: services.map { .init(service: $0) }, logger: logger)
    // Idle servers stop gracefully at once; a busy machine gets time before cancellation, which can
    // deadlock in Hummingbird's date cache (swift-async-algorithms' merge, apple/swift-async-algorithms#430).
    groupConfiguration.maximumGracefulShutdownDuration = .seconds(10)
    let group = ServiceGroup(configuration: groupConfiguration)
    // Unstructured, so that a stop stuck in that deadlock can be left behind (below) instead of
    // holding the command forever; the process ends soon after anyway.
    let running = Task { try await group.run() }
    var listening: [ListeningInfo] = []
    for stream in streams {
        var iterator = stream.makeAsyncIterator()
        guard let info = await iterator.next() else { break }
        listening.append(info)
    }
    let result: Result<T, any Error>
    if listening.count == configurations.count {
        do {
            result = .success(try await body(listening))
        } catch {
            result = .failure(error)
        }
    } else {
        result = .failure(FakePBXError(.invalidConfiguration, "an emulated server stopped before it listened (its error is in the log above)"))
    }
    await group.triggerGracefulShutdown()
    if await stopped(running, within: .seconds(20)) {
        try await running.value
    } else {
        logger.warning("the emulated servers did not stop within 20 s; left behind")
    }
    return try result.get()
}

/// Whether `task` ends within `bound` (its end is awaited through a stream, which a timeout can
/// cancel; awaiting the task itself cannot be cancelled).
func stopped(_ task: Task<Void, any Error>, within bound: Duration) async -> Bool {
    let (ended, end) = AsyncStream<Void>.makeStream()
    Task {
        _ = await task.result
        end.finish()
    }
    return await withTaskGroup(of: Bool.self) { race in
        race.addTask {
            for await _ in ended {}
            return !Task.isCancelled
        }
        race.addTask {
            try? await Task.sleep(for: bound)
            return false
        }
        let first = await race.next() ?? false
        race.cancelAll()
        return first
    }
}

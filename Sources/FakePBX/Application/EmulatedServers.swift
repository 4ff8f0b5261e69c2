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
    groupConfiguration.maximumGracefulShutdownDuration = .milliseconds(1200)
    let group = ServiceGroup(configuration: groupConfiguration)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
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
        try await tasks.waitForAll()
        return try result.get()
    }
}

import ContractKit
import Foundation
public import Hummingbird
import HummingbirdCore
import JSONSchema
public import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import UnixSignals

/// Builds the fake PBX application from a configuration, loading the whitelist and dataset files.
///
/// - Parameters:
///   - configuration: What `fakepbx serve` was told.
///   - logger: Where requests, denials and reloads are logged.
///   - clock: The clock every time-based behaviour reads.
///   - eventLoops: The event loops the listeners use (NIO's shared ones unless told).
///   - onListening: Called once the socket is bound, with the real port (useful with port 0).
/// - Returns: The application; run it with `runService()` or in a `ServiceGroup`.
/// - Throws: ``FakePBXError`` for an unreadable or invalid whitelist, ``DatasetError`` for a bad dataset,
///   `ContractError` for a bad contracts folder (with `verifyClient`).
public func buildApplication(
    configuration: FakePBXConfiguration,
    logger: Logger,
    clock: PBXClock = .system,
    eventLoops: EventLoopGroupProvider = .singleton,
    onListening: @escaping @Sendable (ListeningInfo, Whitelist) async -> Void = { _, _ in }
) throws -> some ApplicationProtocol {
    let (server, whitelistContent) = try PBXServer.make(configuration, logger: logger, clock: clock)
    let responder = PBXResponder(server: server)
    let timeouts = ConnectionState.Timeouts(
        header: .milliseconds(Int64(configuration.headerTimeout * 1000)), idle: .milliseconds(Int64(configuration.idleTimeout * 1000))
    )
    // The HTTPS and control listeners run beside the HTTP one; the banner waits for their ports.
    let https = httpsListener(responder, timeouts: timeouts, configuration: configuration, eventLoops: eventLoops, logger: logger)
    let admin = adminListener(responder, configuration: configuration, eventLoops: eventLoops, logger: logger)
    let services =
        backgroundServices(server, configuration: configuration, whitelistContent: whitelistContent, logger: logger)
        + [https?.service, admin?.service].compactMap { $0 }
    let policies = server.policies
    return Application(
        responder: responder,
        server: HTTPServerBuilder { httpResponder in
            PBXHTTP1Channel(responder: httpResponder, timeouts: timeouts) {
                [
                    BanGuard(jails: policies.jails, action: policies.banAction, clock: server.clock, journal: server.journal),
                    ExpectContinueHandler(pipeline: responder.pipeline), FastPathHandler(pipeline: responder.pipeline),
                ]
            }
        },
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        services: services,
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            // No port: that listener failed and the server is stopping; announce nothing.
            var httpsPort: Int?
            var adminPort: Int?
            if let https {
                guard let bound = await https.boundPort() else { return }
                httpsPort = bound
                server.httpsPort.store(bound, ordering: .relaxed)
            }
            if let admin {
                guard let bound = await admin.boundPort() else { return }
                adminPort = bound
            }
            writePortFile(configuration.portFile, port: port, logger: logger)
            for scenario in server.startScenarios { server.timeline.start(scenario, on: server) }
            let listening = ListeningInfo(host: configuration.host, port: port, httpsPort: httpsPort, adminPort: adminPort)
            await onListening(listening, server.access.whitelist)
        },
        eventLoopGroupProvider: eventLoops,
        logger: logger
    )
}

/// A listener beside the main one, and the port it bound once it did.
private struct SideListener {
    let service: any Service
    let ports: AsyncStream<Int>

    /// The bound port, or nil if the listener stopped before binding.
    func boundPort() async -> Int? {
        var iterator = ports.makeAsyncIterator()
        return await iterator.next()
    }
}

/// The services that run beside the listeners: the timeline, the miss proxy's client (shut down
/// with the server) and the whitelist file's watcher.
private func backgroundServices(
    _ server: PBXServer, configuration: FakePBXConfiguration, whitelistContent: Data, logger: Logger
) -> [any Service] {
    var services: [any Service] = [TimelineTicker(server: server, heartbeat: configuration.eventHeartbeat)]
    if let forwarder = server.missForwarder { services.append(HTTPClientService(client: forwarder.client)) }
    // A pipe (`--whitelist <(…)`) is read once: read again it would be empty.
    if let path = configuration.whitelistFile, WhitelistFileWatcher.canWatch(path) {
        services.append(
            WhitelistFileWatcher(
                path: path, policy: server.access, initialContent: whitelistContent, logger: logger, journal: server.journal, clock: server.clock
            ))
    } else if let path = configuration.whitelistFile {
        logger.notice("the whitelist is not a regular file: read once, not watched for changes", metadata: ["file": "\(path)"])
    }
    return services
}

/// The HTTPS listener, with the same responder as the HTTP one; nil without HTTPS.
private func httpsListener(
    _ responder: PBXResponder, timeouts: ConnectionState.Timeouts, configuration: FakePBXConfiguration, eventLoops: EventLoopGroupProvider,
    logger: Logger
) -> SideListener? {
    let server = responder.server
    guard let tls = server.tls, let httpsPort = configuration.tls.port else { return nil }
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let application = Application(
        responder: responder,
        server: HTTPServerBuilder { httpResponder in
            HTTPSChannel(
                base: PBXHTTP1Channel(responder: httpResponder, timeouts: timeouts) {
                    [ExpectContinueHandler(pipeline: responder.pipeline, secure: true), FastPathHandler(pipeline: responder.pipeline, secure: true)]
                },
                server: server, identities: tls
            )
        },
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: httpsPort), serverName: nil),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? httpsPort
            writePortFile(configuration.tls.portFile, port: port, logger: logger)
            continuation.yield(port)
        },
        eventLoopGroupProvider: eventLoops,
        logger: logger
    )
    return SideListener(service: application, ports: ports)
}

/// The control API alone on its own port; nil without `--admin-port`.
private func adminListener(
    _ responder: PBXResponder, configuration: FakePBXConfiguration, eventLoops: EventLoopGroupProvider, logger: Logger
) -> SideListener? {
    guard let adminPort = configuration.adminPort else { return nil }
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let application = Application(
        responder: responder.control,
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: adminPort), serverName: nil),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? adminPort
            writePortFile(configuration.adminPortFile, port: port, logger: logger)
            continuation.yield(port)
        },
        eventLoopGroupProvider: eventLoops,
        logger: logger
    )
    return SideListener(service: application, ports: ports)
}

/// Writes a bound port to `path` (atomically), for scripts that started the server on port 0.
private func writePortFile(_ path: String?, port: Int, logger: Logger) {
    guard let path else { return }
    do {
        try AtomicFile.write(Array("\(port)\n".utf8), to: path)
    } catch {
        logger.error("cannot write the port file", metadata: ["file": "\(path)", "error": "\(error)"])
    }
}

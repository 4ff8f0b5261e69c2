import ContractKit
import Foundation
public import Hummingbird
public import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals
import JSONSchema

/// Builds the fake PBX application from a configuration, loading the whitelist and dataset files.
///
/// - Parameters:
///   - configuration: What `fakepbx serve` was told.
///   - logger: Where requests, denials and reloads are logged.
///   - clock: The clock every time-based behaviour reads.
///   - onListening: Called once the socket is bound, with the real port (useful with port 0).
/// - Returns: The application; run it with `runService()` or in a `ServiceGroup`.
/// - Throws: ``FakePBXError`` for an unreadable or invalid whitelist, ``DatasetError`` for a bad dataset,
///   `ContractError` for a bad contracts folder (with `verifyClient`).
public func buildApplication(
    configuration: FakePBXConfiguration,
    logger: Logger,
    clock: PBXClock = .system,
    onListening: @escaping @Sendable (ListeningInfo, Whitelist) async -> Void = { _, _ in }
) throws -> some ApplicationProtocol {
    var whitelist = configuration.whitelist ?? .localhost
    var whitelistContent = Data()
    if let path = configuration.whitelistFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FakePBXError(.fileAccess, "cannot read the whitelist file (check the path and permissions)", at: path)
        }
        whitelistContent = data
        whitelist = try Whitelist(parsing: String(decoding: data, as: UTF8.self), source: path)
    }
    var dataset = try configuration.dataset ?? configuration.dataFile.map(Dataset.load(contentsOf:)) ?? .defaultDataset
    if !configuration.cdrGeneration.isEmpty { try dataset.overlayCDRGeneration(configuration.cdrGeneration) }

    let policy = AccessPolicy(
        whitelist: whitelist, credentials: configuration.credentials, profile: configuration.authProfile,
        trustedProxies: configuration.trustedProxies
    )
    let verifier = try configuration.verifyClient.map { mode in
        ClientVerifier(mode: mode, catalog: try ContractCatalog.load(folder: configuration.contractsFolder))
    }
    var replay: ReplayStore?
    if !configuration.replayCassettes.isEmpty || !configuration.replayLoaded.isEmpty {
        var cassettes: [(path: String, cassette: Cassette)] = configuration.replayLoaded
        for path in configuration.replayCassettes { cassettes.append((path, try Cassette.load(contentsOf: path))) }
        if case .proxy(_, let recordTo?) = configuration.replayMiss, FileManager.default.fileExists(atPath: recordTo) {
            _ = try Cassette.load(contentsOf: recordTo)  // refuse to start on a file that is not a cassette
        }
        replay = ReplayStore(cassettes: cassettes, volatile: Set(configuration.volatileFields), missPolicy: configuration.replayMiss)
    }
    let virtualClock = VirtualClock(base: clock)
    if let frozen = configuration.frozenClock {
        virtualClock.set(to: frozen)
        virtualClock.freeze()
    }
    let policies = try SecurityPolicies(configuration)
    let server = PBXServer(
        store: TenantStore(dataset), policy: policy, clock: virtualClock, pbxVersion: configuration.pbxVersion, logger: logger,
        policies: policies, clientVerifier: verifier, adminToken: configuration.adminToken, replay: replay
    )
    var services: [any Service] = [TimelineTicker(server: server)]
    // The client that proxies replay misses is shut down with the server.
    if let forwarder = server.missForwarder { services.append(HTTPClientService(client: forwarder.client)) }
    if let path = configuration.whitelistFile {
        services.append(WhitelistFileWatcher(path: path, policy: policy, initialContent: whitelistContent, logger: logger))
    }
    let host = configuration.host
    let portFile = configuration.portFile
    let responder = PBXResponder(server: server)
    return Application(
        responder: responder,
        server: .http1(configuration: .init(additionalChannelHandlers: [
            BanGuard(jails: policies.jails, action: policies.banAction, clock: server.clock),
            FastPathHandler(responder: responder),
        ])),
        configuration: ApplicationConfiguration(address: .hostname(host, port: configuration.port), serverName: nil),
        services: services,
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            if let portFile {
                do {
                    try Data("\(port)\n".utf8).write(to: URL(fileURLWithPath: portFile), options: .atomic)
                } catch {
                    logger.error("cannot write the port file", metadata: ["file": "\(portFile)", "error": "\(error)"])
                }
            }
            for scenario in configuration.scenarios { server.timeline.start(scenario, on: server) }
            await onListening(ListeningInfo(host: host, port: port), policy.whitelist)
        },
        logger: logger
    )
}

/// Runs `application` until SIGINT or SIGTERM, then shuts down within about two seconds even if
/// requests are still in flight.
public func runUntilSignalled(_ application: some ApplicationProtocol, logger: Logger) async throws {
    var configuration = ServiceGroupConfiguration(
        services: [.init(service: application)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
    )
    configuration.maximumGracefulShutdownDuration = .milliseconds(1200)
    configuration.maximumCancellationDuration = .milliseconds(500)
    try await ServiceGroup(configuration: configuration).run()
}

/// Builds and runs fakepbx until SIGINT or SIGTERM: what `fakepbx serve` does.
/// - Throws: ``FakePBXError`` or ``DatasetError`` before listening when an input file is bad; the
///   server's error when it cannot listen.
public func serve(
    configuration: FakePBXConfiguration,
    logger: Logger,
    onListening: @escaping @Sendable (ListeningInfo, Whitelist) async -> Void
) async throws {
    let application = try buildApplication(configuration: configuration, logger: logger, onListening: onListening)
    try await runUntilSignalled(application, logger: logger)
}

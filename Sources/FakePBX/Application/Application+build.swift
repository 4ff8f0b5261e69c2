import ContractKit
import HummingbirdCore
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
        // Read to its end, so a pipe (`--whitelist <(…)`) works as a file does.
        guard let data = try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)).readToEnd() ?? Data() else {
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
    let tls = try configuration.tls.isEnabled ? TLSIdentities(configuration.tls, host: configuration.host) : nil
    if let tls, let caOut = configuration.tls.caOutFile {
        do {
            try AtomicFile.write(Array(tls.caPEM.utf8), to: caOut)
        } catch {
            throw FakePBXError(.fileAccess, "cannot write the CA certificate (check the folder exists and is writable)", at: caOut)
        }
    }
    if let note = FusionPBXReleases.note(for: configuration.pbxVersion) { logger.warning("\(note)") }
    if let phpTypes = configuration.phpTypes { dataset.phpTypes = phpTypes }
    let server = try PBXServer(
        store: TenantStore(dataset, now: { Int(virtualClock.now) }), access: policy, clock: virtualClock, pbxVersion: configuration.pbxVersion, logger: logger,
        policies: policies, clientVerifier: verifier, controlAccess: ControlAccess(token: configuration.adminToken, allow: configuration.adminAllow),
        scenarioFolder: configuration.scenarioFolder ?? FileManager.default.currentDirectoryPath, replay: replay, tls: tls,
        upstreamTrust: configuration.upstreamTrust
    )
    var services: [any Service] = [TimelineTicker(server: server, heartbeat: configuration.eventHeartbeat)]
    // The client that proxies replay misses is shut down with the server.
    if let forwarder = server.missForwarder { services.append(HTTPClientService(client: forwarder.client)) }
    // A pipe (`--whitelist <(…)`) is read once: read again it would be empty.
    if let path = configuration.whitelistFile, WhitelistFileWatcher.canWatch(path) {
        services.append(WhitelistFileWatcher(
            path: path, policy: policy, initialContent: whitelistContent, logger: logger, journal: server.journal, clock: server.clock
        ))
    } else if let path = configuration.whitelistFile {
        logger.notice("the whitelist is not a regular file: read once, not watched for changes", metadata: ["file": "\(path)"])
    }
    let host = configuration.host
    let responder = PBXResponder(server: server)
    let timeouts = ConnectionState.Timeouts(
        header: .milliseconds(Int64(configuration.headerTimeout * 1000)), idle: .milliseconds(Int64(configuration.idleTimeout * 1000))
    )
    // The HTTPS listener runs beside the HTTP one, with the same responder; the banner waits for its port.
    let (httpsPorts, httpsPortContinuation) = AsyncStream<Int>.makeStream()
    if let tls, let httpsPort = configuration.tls.port {
        services.append(Application(
            responder: responder,
            server: HTTPServerBuilder { httpResponder in
                HTTPSChannel(
                    base: PBXHTTP1Channel(responder: httpResponder, timeouts: timeouts) {
                        [ExpectContinueHandler(pipeline: responder.pipeline), FastPathHandler(pipeline: responder.pipeline, secure: true)]
                    },
                    server: server, identities: tls
                )
            },
            configuration: ApplicationConfiguration(address: .hostname(host, port: httpsPort), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? httpsPort
                writePortFile(configuration.tls.portFile, port: port, logger: logger)
                httpsPortContinuation.yield(port)
            },
            logger: logger
        ))
    }
    let (adminPorts, adminPortContinuation) = AsyncStream<Int>.makeStream()
    if let adminPort = configuration.adminPort {
        services.append(Application(
            responder: responder.control,
            configuration: ApplicationConfiguration(address: .hostname(host, port: adminPort), serverName: nil),
            onServerRunning: { channel in adminPortContinuation.yield(channel.localAddress?.port ?? adminPort) },
            logger: logger
        ))
    }
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
        configuration: ApplicationConfiguration(address: .hostname(host, port: configuration.port), serverName: nil),
        services: services,
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            var httpsPort: Int?
            if tls != nil {
                var ports = httpsPorts.makeAsyncIterator()
                httpsPort = await ports.next()
                // No port: the HTTPS listener failed and the server is stopping; announce nothing.
                guard httpsPort != nil else { return }
            }
            var adminPort: Int?
            if configuration.adminPort != nil {
                var ports = adminPorts.makeAsyncIterator()
                adminPort = await ports.next()
                guard adminPort != nil else { return }
            }
            writePortFile(configuration.portFile, port: port, logger: logger)
            for scenario in configuration.scenarios { server.timeline.start(scenario, on: server) }
            await onListening(ListeningInfo(host: host, port: port, httpsPort: httpsPort, adminPort: adminPort), policy.whitelist)
        },
        logger: logger
    )
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

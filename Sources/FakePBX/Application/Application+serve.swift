import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
import Glibc
#endif

/// How long `fakepbx serve` may take to stop after SIGINT or SIGTERM (docs/serve.md's "within two seconds").
let stopBound = Duration.seconds(2)

/// Runs `application` until SIGINT or SIGTERM, then shuts down within about two seconds even if
/// requests are still in flight (1.2 s to finish them, 0.5 s after cancelling them).
public func runUntilSignalled(_ application: some ApplicationProtocol, logger: Logger) async throws {
    var configuration = ServiceGroupConfiguration(
        services: [.init(service: application)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
    )
    configuration.maximumGracefulShutdownDuration = .milliseconds(1200)
    configuration.maximumCancellationDuration = .milliseconds(500)
    try await ServiceGroup(configuration: configuration).run()
}

/// Builds and runs fakepbx until SIGINT or SIGTERM: what `fakepbx serve` does. The process ends
/// within ``stopBound`` of the first signal even when the graceful stop is stuck, and at once on a
/// second signal (``ShutdownWatchdog``).
/// - Throws: ``FakePBXError`` or ``DatasetError`` before listening when an input file is bad; the
///   server's error when it cannot listen.
///
/// The port files (`--port-file`, `--https-port-file`, `--admin-port-file`) exist exactly while the server listens: a stale
/// one is removed before binding and the written one when the server stops, so a script waiting for
/// the file never reads the port of an earlier run.
public func serve(
    configuration: FakePBXConfiguration,
    logger: Logger,
    onListening: @escaping @Sendable (ListeningInfo, Whitelist) async -> Void
) async throws {
    let portFiles = [configuration.portFile, configuration.tls.portFile, configuration.adminPortFile].compactMap { $0 }
    for file in portFiles { unlink(file) }
    defer { for file in portFiles { unlink(file) } }
    let watchdog = await ShutdownWatchdog(signals: [SIGTERM, SIGINT], bound: stopBound) { reason in
        ShutdownWatchdog.exitNow(reason, bound: stopBound, portFiles: portFiles)
    }
    defer { withExtendedLifetime(watchdog) {} }
    if configuration.stopWhenInputCloses { InputCloseWatch.start() }
    let application = try buildApplication(configuration: configuration, logger: logger, onListening: onListening)
    try await runUntilSignalled(application, logger: logger)
}

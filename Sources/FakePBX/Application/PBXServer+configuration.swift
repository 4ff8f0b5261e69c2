import ContractKit
import Foundation
import JSONSchema
import Logging

extension PBXServer {
    /// The server `configuration` describes, with its input files read and checked; also the
    /// whitelist file's content as read, which its watcher compares edits with.
    static func make(
        _ configuration: FakePBXConfiguration, logger: Logger, clock: PBXClock
    ) throws -> (server: PBXServer, whitelistContent: Data) {
        let (whitelist, whitelistContent) = try loadWhitelist(configuration)
        var dataset = try configuration.dataset ?? configuration.dataFile.map(Dataset.load(contentsOf:)) ?? .defaultDataset
        if !configuration.cdrGeneration.isEmpty { try dataset.overlayCDRGeneration(configuration.cdrGeneration) }
        if let phpTypes = configuration.phpTypes { dataset.phpTypes = phpTypes }
        let policy = AccessPolicy(
            whitelist: whitelist, credentials: configuration.credentials, profile: configuration.authProfile,
            trustedProxies: configuration.trustedProxies
        )
        let verifier = try configuration.verifyClient.map { mode in
            ClientVerifier(mode: mode, catalog: try ContractCatalog.load(folder: configuration.contractsFolder))
        }
        let virtualClock = VirtualClock(base: clock)
        if let start = configuration.startClock { virtualClock.set(to: start) }
        if let frozen = configuration.frozenClock {
            virtualClock.set(to: frozen)
            virtualClock.freeze()
        }
        virtualClock.markStart()
        let policies = try SecurityPolicies(configuration)
        let tls = try loadTLS(configuration)
        if let note = FusionPBXReleases.note(for: configuration.pbxVersion) { logger.warning("\(note)") }
        let server = try PBXServer(
            store: TenantStore(dataset, now: { Int(virtualClock.now) }), access: policy, clock: virtualClock,
            pbxVersion: configuration.pbxVersion, logger: logger, policies: policies, clientVerifier: verifier,
            controlAccess: ControlAccess(
                token: configuration.adminToken, allow: configuration.adminAllow,
                hosts: [configuration.host] + configuration.tls.names + configuration.adminHosts),
            scenarioFolder: configuration.scenarioFolder ?? FileManager.default.currentDirectoryPath,
            replay: try loadReplay(configuration), tls: tls, upstreamTrust: configuration.upstreamTrust,
            appVersions: try PBXApp.checked(configuration.appVersions),
            formReading: configuration.jsonBodies ? .phpWithJSON : .php, startScenarios: configuration.scenarios,
            httpsRedirect: configuration.httpRedirect
        )
        return (server, whitelistContent)
    }

    /// The whitelist in force at start and the file's content (empty without a file).
    private static func loadWhitelist(_ configuration: FakePBXConfiguration) throws -> (Whitelist, Data) {
        guard let path = configuration.whitelistFile else { return (configuration.whitelist ?? .localhost, Data()) }
        // Read to its end, so a pipe (`--whitelist <(…)`) works as a file does.
        guard let data = try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)).readToEnd() ?? Data() else {
            throw FakePBXError(.fileAccess, "cannot read the whitelist file (check the path and permissions)", at: path)
        }
        return (try Whitelist(parsing: String(decoding: data, as: UTF8.self), source: path), data)
    }

    /// The recorded exchanges to answer from, or nil without any.
    private static func loadReplay(_ configuration: FakePBXConfiguration) throws -> ReplayStore? {
        guard !configuration.replayCassettes.isEmpty || !configuration.replayLoaded.isEmpty else { return nil }
        var cassettes: [(path: String, cassette: Cassette)] = configuration.replayLoaded
        for path in configuration.replayCassettes { cassettes.append((path, try Cassette.load(contentsOf: path))) }
        if case .proxy(_, let recordTo?) = configuration.replayMiss, FileManager.default.fileExists(atPath: recordTo) {
            _ = try Cassette.load(contentsOf: recordTo)  // refuse to start on a file that is not a cassette
        }
        return ReplayStore(
            cassettes: cassettes, volatile: Set(configuration.volatileFields), missPolicy: configuration.replayMiss, mode: configuration.replayMode)
    }

    /// The certificates HTTPS presents, with the CA written out if asked; nil without HTTPS.
    private static func loadTLS(_ configuration: FakePBXConfiguration) throws -> TLSIdentities? {
        guard configuration.tls.isEnabled else { return nil }
        let tls = try TLSIdentities(configuration.tls, host: configuration.host)
        if let caOut = configuration.tls.caOutFile {
            do {
                try AtomicFile.write(Array(tls.caPEM.utf8), to: caOut)
            } catch {
                throw FakePBXError(.fileAccess, "cannot write the CA certificate (check the folder exists and is writable)", at: caOut)
            }
        }
        return tls
    }
}

import ArgumentParser
import ContractKit
import FakePBX
import Foundation
import Logging

struct UpgradeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Rehearse a FusionPBX upgrade: what changes for a billing client.",
        subcommands: [Check.self, Notes.self]
    )

    struct Notes: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "notes",
            abstract: "Print what changes for a billing client at each step between FusionPBX releases (docs/upgrades.md), from the release table."
        )

        func run() throws {
            print(FusionPBXReleases.upgradeNotesMarkdown(), terminator: "")
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Send a billing client's traffic to the PBX as it is and as it will be, and report what would break it.",
            discussion: """
                Each side is an emulated release (--from 5.4.9, in-process, the same dataset and frozen clock on both) or a \
                server (--from-url https://pbx.example.com). Each side is run twice; what differs between its own two runs \
                (timestamps, new UUIDs) is noise and left out. Exit codes: 0 nothing a client reads breaks, 1 a change may \
                break a client, 2 the check could not run.
                """
        )

        @Option(help: "The release now, emulated (e.g. 5.4.9).") var from: String?
        @Option(help: "The release after the upgrade, emulated (e.g. 5.5.7).") var to: String?
        @Option(help: "The server now, by URL (instead of --from).") var fromURL: String?
        @Option(help: "The upgraded server, by URL (instead of --to).") var toURL: String?
        @Option(help: "The client's own traffic: a cassette from 'fakepbx record' or a HAR file. Default: the contract cases' requests.")
        var traffic: String?
        @Option(help: "Finding ids a team has reviewed, one per line ('#' comments): reported, not failed.") var accept: String?
        @Option(help: "The expected API set (NAME=VERSION lines): every application of the upgraded side whose version differs fails.")
        var expectAppVersions: String?
        @Option(help: "API username (also FAKEPBX_USERNAME); emulated sides are given the same.") var username: String?
        @Option(help: "API password (also FAKEPBX_PASSWORD).") var password: String?
        @Option(help: "API key (also FAKEPBX_API_KEY).") var apiKey: String?
        @Flag(help: "Skip every request that writes (for a production server on one side).") var readOnly = false
        @Option(parsing: .unconditional, help: "Seconds to wait for each answer.") var timeout: Double = 30
        @Option(parsing: .unconditional, help: "Seconds the check may wait, in all, for rate limits (429 with Retry-After).")
        var maxWait: Double = 120
        @OptionGroup(title: "TLS, for the servers given by URL") var tls: ClientTLSOptions
        @OptionGroup var common: ContractCommand.Common
        @OptionGroup var reports: ContractCommand.Reports

        func validate() throws {
            guard (from == nil) != (fromURL == nil) else {
                throw ValidationError("give the side before the upgrade: --from VERSION or --from-url URL")
            }
            guard (to == nil) != (toURL == nil) else { throw ValidationError("give the side after the upgrade: --to VERSION or --to-url URL") }
            for (option, value) in [("--from", from), ("--to", to)] {
                if let value, PBXVersion(value) == nil {
                    throw ValidationError("\(option): '\(value)' is not valid; expected a version such as 5.4.9")
                }
            }
            guard timeout > 0, timeout <= 86_400 else { throw ValidationError("--timeout: '\(timeout)' is not valid; expected seconds above 0") }
            guard maxWait >= 0, maxWait <= 86_400 else { throw ValidationError("--max-wait: '\(maxWait)' is not valid; expected seconds from 0") }
        }

        func run() async throws {
            let started = Date()
            let env = ProcessInfo.processInfo.environment
            var settings = ContractRunConfiguration(target: "")
            let defaults = Credentials.documentationDefaults
            settings.username = username ?? env["FAKEPBX_USERNAME"].flatMap { $0.isEmpty ? nil : $0 } ?? defaults.username
            settings.password = password ?? env["FAKEPBX_PASSWORD"] ?? defaults.password
            settings.apiKey = apiKey ?? env["FAKEPBX_API_KEY"].flatMap { $0.isEmpty ? nil : $0 } ?? defaults.apiKey
            settings.readOnly = readOnly
            settings.trust = tls.trust
            settings.timeout = .milliseconds(Int(timeout * 1000))
            settings.maxWait = .milliseconds(Int(maxWait * 1000))
            settings.progress = { message in FileHandle.standardError.write(Data("upgrade check: \(message)\n".utf8)) }
            if let expectAppVersions { settings.expectedAppVersions = try ContractRunner.expectedAppVersions(file: expectAppVersions) }
            let accepted = try accept.map { path throws(ContractError) in try UpgradeCheck.acceptedIDs(file: path) } ?? []
            let recorded = try traffic.map(Self.loadTraffic)
            let catalog = try common.catalog()
            // Emulated sides: the same dataset, credentials and frozen clock; no rate limits or bans, which a
            // fast run would trip on one side and not the other.
            var emulated: [FakePBXConfiguration] = []
            for version in [from, to].compactMap({ $0 }) {
                var configuration = FakePBXConfiguration()
                configuration.pbxVersion = PBXVersion(version)!
                configuration.credentials = Credentials(username: settings.username!, password: settings.password ?? "", apiKey: settings.apiKey!)
                configuration.frozenClock = (started.timeIntervalSince1970 / 60).rounded(.down) * 60
                configuration.rateLimits = [:]
                configuration.jails = [:]
                emulated.append(configuration)
            }
            let logger = Logger(label: "fakepbx") { _ in SwiftLogNoOpLogHandler() }
            let (fromLabel, toLabel) = (from ?? fromURL!, to ?? toURL!)
            try await withEmulatedServers(emulated, logger: logger) { servers in
                var urls = servers.map(\.url).makeIterator()
                let before = UpgradeCheck.Side(label: fromLabel, url: fromURL ?? urls.next()!)
                let after = UpgradeCheck.Side(label: toLabel, url: toURL ?? urls.next()!)
                var check = UpgradeCheck(from: before, to: after, traffic: recorded, settings: settings, catalog: catalog)
                check.accepted = accepted
                do {
                    let outcome = try await check.run()
                    try reports.finish(outcome.report(from: fromLabel, to: toLabel, accepted: accepted, acceptedFile: accept, started: started))
                } catch let error as ContractError where error.code == .unreachable {
                    printError("\(error)")
                    try reports.finish(
                        .unreachable(title: "upgrade check", target: "\(fromLabel) → \(toLabel)", message: error.description), exitCode: 2)
                }
            }
        }

        /// A cassette, or a HAR file (by its `.har` name).
        static func loadTraffic(_ path: String) throws(ContractError) -> Cassette {
            path.lowercased().hasSuffix(".har") ? try Cassette.load(har: path) : try Cassette.load(contentsOf: path)
        }
    }
}

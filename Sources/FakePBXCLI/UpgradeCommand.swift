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
        @OptionGroup var client: ClientOptions
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
        }

        func run() async throws {
            let started = Date()
            // Emulated sides are given the same credentials; without any, the documentation's.
            let settings = try client.configuration(target: "", label: "upgrade check", defaults: .documentationDefaults)
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

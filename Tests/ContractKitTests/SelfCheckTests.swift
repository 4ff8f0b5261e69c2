import ContractKit
import FakePBX
import Foundation
import JSONSchema
import TestSupport
import Testing

/// The fake checks itself: every contract case is sent to a real fakepbx over loopback and every
/// answer is validated, so the fake can never drift from its own contracts.
@Suite("fakepbx meets its own contracts")
struct SelfCheckTests {
    static func run(_ server: TestServer, readOnly: Bool = false, credentials: Bool = true) async throws -> ContractReport {
        var configuration = ContractRunConfiguration(target: "http://127.0.0.1:\(server.port)")
        configuration.timeout = .seconds(60)  // a hang bound: a CDR answer on a loaded machine can take seconds
        if credentials {
            configuration.username = server.configuration.credentials.username
            configuration.password = server.configuration.credentials.password
        }
        configuration.readOnly = readOnly
        return try await ContractRunner(catalog: try ContractCatalog.embedded(), configuration: configuration).run()
    }

    @Test(arguments: ["5.4.9", "5.5.1"])
    func everyCaseHoldsAgainstTheFake(pbxVersion: String) async throws {
        try await withFakePBX({ $0.pbxVersion = PBXVersion(pbxVersion)! }, clock: .system) { server in
            let report = try await Self.run(server)
            #expect(report.exitCode == 0, "\(report.consoleSummary())")
            let summary = report.summary
            #expect(summary.failed == 0 && summary.errors == 0, "\(report.consoleSummary())")
            // Only the step for whitelist-only targets is skipped: this one is multi.
            let skipped = report.suites.flatMap(\.checks).filter { if case .skipped = $0.outcome { true } else { false } }
            #expect(skipped.map(\.name) == ["credentials are not checked (whitelist-only)"], "\(report.consoleSummary())")
            #expect(Set(report.suites.map(\.name)) == ["read-only", "provisioning", "negative"])
            #expect(summary.total > 300)
            // The provisioning case cleaned up after itself.
            let domains = try await server.json("/app/domains/manage_domain.php", ["action": "list"])
            #expect((domains["count"] as? Int) == 5)
        }
    }

    @Test func readOnlyChangesNothing() async throws {
        try await withFakePBX({ _ in }, clock: .system) { server in
            let before = try await server.post("/app/gateways/manage_gateway.php", ["action": "list"]).text
            let report = try await Self.run(server, readOnly: true)
            #expect(report.exitCode == 0, "\(report.consoleSummary())")
            let provisioning = try #require(report.suites.first { $0.name == "provisioning" })
            #expect(provisioning.checks.allSatisfy { if case .skipped = $0.outcome { true } else { false } })
            #expect(try await server.post("/app/gateways/manage_gateway.php", ["action": "list"]).text == before)
        }
    }

    @Test func withoutCredentialsTheCredentialCasesAreSkippedNotFailed() async throws {
        try await withFakePBX({ $0.authProfile = .whitelistOnly }, clock: .system) { server in
            let report = try await Self.run(server, credentials: false)
            #expect(report.exitCode == 0, "\(report.consoleSummary())")
            let negative = try #require(report.suites.first { $0.name == "negative" })
            let skipped = negative.checks.filter { if case .skipped(let reason) = $0.outcome { reason.contains("credentials") } else { false } }
            #expect(skipped.count == 4)
        }
    }

    @Test func anAPIKeyAloneIsEnough() async throws {
        try await withFakePBX({ _ in }, clock: .system) { server in
            var configuration = ContractRunConfiguration(target: "http://127.0.0.1:\(server.port)")
            configuration.timeout = .seconds(60)  // a hang bound
            configuration.apiKey = server.configuration.credentials.apiKey
            configuration.cases = ["read-only"]
            let report = try await ContractRunner(catalog: try ContractCatalog.embedded(), configuration: configuration).run()
            #expect(report.exitCode == 0, "\(report.consoleSummary())")
            #expect(report.summary.passed > 150)
        }
    }

    @Test func anUnreachableTargetIsAnErrorNotAReport() async throws {
        // Bind a port, then close it, so nothing listens there.
        let port = try await withFakePBX { $0.port }
        var configuration = ContractRunConfiguration(target: "http://127.0.0.1:\(port)")
        configuration.timeout = .seconds(2)
        let error = await #expect(throws: ContractError.self) {
            try await ContractRunner(catalog: try ContractCatalog.embedded(), configuration: configuration).run()
        }
        #expect(error?.code == .unreachable)
        #expect(error?.message.contains("no answer from the server") == true)

        let bad = await #expect(throws: ContractError.self) {
            try await ContractRunner(catalog: try ContractCatalog.embedded(), configuration: .init(target: "ftp://x")).run()
        }
        #expect(bad?.location == "--target")
    }
}

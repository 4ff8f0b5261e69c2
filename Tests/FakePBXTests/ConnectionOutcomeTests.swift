import ContractKit
import Foundation
import JSONSchema
import NIOCore
import NIOPosix
import TestSupport
import Testing

@testable import FakePBX

/// An upstream that gives no answer: behind `record` the client sees what it would see directly, the
/// cassette keeps the outcome, and replay, the journal and its HAR show it again.
@Suite("Connection outcomes, recorded and replayed")
struct ConnectionOutcomeTests {
    /// The PBX paths each upstream fault acts on, and what PHP's curl reports for it.
    static let registrations = "/app/registrations/check_registration.php"
    static let gateways = "/app/gateways/provision_list.php"
    static let extensions = "/app/extensions/manage_extension.php"
    static let status = "/app/status/index.php"

    static let faults = """
        name: broken upstream
        faults:
          - {type: reset, match: {path: \(registrations)}}
          - {type: empty-reply, match: {path: \(gateways)}}
          - {type: hang, seconds: 30, match: {path: \(extensions)}}
        """

    /// What PHP's curl saw for each path: `errno` (0 with the status when answered).
    static func seen(_ base: String, paths: [String]) async throws -> [String] {
        let outcomes = try await PHPClient.send(paths.map { PHPClient.Call(url: base + $0, fields: ["extension": "1001"]) })
        return outcomes.map { $0.errno == 0 ? "status \($0.status)" : "curl \($0.errno)" }
    }

    @Test func aResetACloseAndATimeoutReachTheClientAsTheyCameAndReplayAsTheyWere() async throws {
        try await withTemporaryDirectory { dir in
            let cassette = dir.appendingPathComponent("outcomes.json").path
            let paths = [Self.registrations, Self.gateways, Self.extensions, Self.status]
            let direct = try await withFakePBX({ configuration in
                configuration.load(try! Scenario(text: Self.faults, file: "faults.yaml"))
            }) { upstream in
                let direct = try await Self.seen("http://127.0.0.1:\(upstream.port)", paths: [Self.registrations, Self.gateways])
                var configuration = RecordingConfiguration(upstream: "http://127.0.0.1:\(upstream.port)", output: cassette)
                configuration.upstreamTimeout = 10
                let proxied = try await withRecordingProxy(configuration) { proxy in
                    let seen = try await Self.seen("http://127.0.0.1:\(proxy)", paths: paths)
                    _ = try await waitFor(timeout: .seconds(60), { (try? Cassette.load(contentsOf: cassette))?.exchanges.count }, until: { $0 >= 4 })
                    return seen
                }
                // Behind the recorder as directly: a reset is curl 56, an empty reply 52; the hang outlasts
                // the recorder's 10 s wait, which ends the client's connection as a timeout ends it. (With
                // a 1 s wait, a reset and a close that came 1.3 s late on a loaded machine were taken
                // for timeouts.)
                #expect(direct == ["curl 56", "curl 52"])
                #expect(proxied == ["curl 56", "curl 52", "curl 52", "status 200"])
                return direct
            }
            #expect(direct.count == 2)
            let recorded = try Cassette.load(contentsOf: cassette)
            #expect(recorded.exchanges.map(\.outcome) == [.reset, .closed, .timeout, nil])
            #expect(recorded.exchanges.prefix(3).allSatisfy { $0.response == nil })
            #expect(try #require(recorded.exchanges[2].timing).durationMilliseconds >= 10000)
            let text = try String(contentsOfFile: cassette, encoding: .utf8)
            #expect(text.contains(#""outcome": "reset""#), "\(text.prefix(600))")

            // Replayed as recorded: the same outcomes, the timeout held for the recorded wait.
            try await withFakePBX({ configuration in
                configuration.replayCassettes = [cassette]
                configuration.replayMode = .answers
            }) { replay in
                let started = ContinuousClock.now
                let seen = try await Self.seen("http://127.0.0.1:\(replay.port)", paths: paths)
                #expect(seen == ["curl 56", "curl 52", "curl 52", "status 200"])
                #expect(ContinuousClock.now - started >= .seconds(10), "the recorded timeout was held for its wait")
                // The credentials are still checked: a wrong password is not answered from the recording.
                let wrong = try await RawHTTPClient.post(port: replay.port, path: Self.status, ["extension": "1001", "password": "wrong"])
                #expect(wrong.status == 401, "\(wrong.text)")
                let journal = try await RawHTTPClient.request(port: replay.port, method: "GET", path: "/__fakepbx/journal")
                let entries = try #require(try journal.json()["requests"] as? [[String: Any]])
                let applied = entries.compactMap { $0["applied"] as? [String] }
                for outcome in ["outcome:reset", "outcome:closed", "outcome:timeout"] {
                    #expect(applied.contains { $0.contains(outcome) && $0.contains { $0.hasPrefix("replay:") } }, "\(outcome) in \(applied)")
                }
                // The journal's HAR says what happened as a browser's does.
                let har = try await RawHTTPClient.request(port: replay.port, method: "GET", path: "/__fakepbx/journal?format=har")
                #expect(har.text.contains(#""_error":"net::ERR_CONNECTION_RESET""#), "\(har.text.prefix(400))")
                #expect(har.text.contains(#""_error":"net::ERR_TIMED_OUT""#))
            }
            // A live ban answered with 403 still applies in answers mode: the recording does not unban.
            try await withFakePBX({ configuration in
                configuration.replayCassettes = [cassette]
                configuration.replayMode = .answers
                configuration.banAction = .forbidden
                configuration.whitelist = try! Whitelist(parsing: "127.0.0.0/8\n", source: "test")
            }) { replay in
                let banned = try await RawHTTPClient.request(
                    port: replay.port, path: "/__fakepbx/bans", body: #"{"address": "127.0.0.2", "jail": "fusionpbx"}"#,
                    contentType: "application/json")
                #expect(banned.status == 200, "\(banned.text)")
                let refused = try await RawHTTPClient.post(port: replay.port, path: Self.status, ["extension": "1001"], from: "127.0.0.2")
                #expect(refused.status == 403, "\(refused.text)")
            }
            // In policies mode, recorded outcomes are left out: the emulator answers those requests.
            try await withFakePBX({ configuration in
                configuration.replayCassettes = [cassette]
                configuration.replayMode = .policies
            }) { replay in
                let seen = try await Self.seen("http://127.0.0.1:\(replay.port)", paths: paths)
                // (400s: the emulator asks these requests for the fields they lack.)
                #expect(seen == ["status 400", "status 200", "status 400", "status 200"])
                let replayed = try await RawHTTPClient.request(port: replay.port, method: "GET", path: "/__fakepbx/replay").json()
                #expect(replayed["mode"] as? String == "policies" && replayed["left_out"] as? Int == 3, "\(replayed)")
            }
        }
    }

    @Test func anUnreachableUpstreamAndAFailedHandshakeAreRecordedAsSuch() async throws {
        try await withTemporaryDirectory { dir in
            // A port nothing listens on: bound, then closed.
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
            let closedPort = try #require(channel.localAddress?.port)
            try await channel.close()
            let unreachable = dir.appendingPathComponent("unreachable.json").path
            try await withRecordingProxy(RecordingConfiguration(upstream: "http://127.0.0.1:\(closedPort)", output: unreachable)) { proxy in
                let seen = try await Self.seen("http://127.0.0.1:\(proxy)", paths: [Self.status])
                #expect(seen == ["curl 56"])
            }
            #expect(try Cassette.load(contentsOf: unreachable).exchanges.map(\.outcome) == [.unreachable])

            // An HTTPS upstream whose CA the recorder was not told to trust.
            let refused = dir.appendingPathComponent("tls.json").path
            try await withHTTPSFakePBX { server, _ in
                let upstream = try server.httpsURL()
                try await withRecordingProxy(RecordingConfiguration(upstream: upstream, output: refused)) { proxy in
                    let seen = try await Self.seen("http://127.0.0.1:\(proxy)", paths: [Self.status])
                    #expect(seen == ["curl 52"])
                }
            }
            #expect(try Cassette.load(contentsOf: refused).exchanges.map(\.outcome) == [.tlsFailed])
        }
    }
}

import Foundation
import TestSupport
import Testing

@testable import FakePBX

/// `withEmulatedServers` (what `upgrade check --from --to` runs against) never holds its command
/// longer than its bound, even when a stop is stuck.
@Suite("Emulated servers")
struct EmulatedServersTests {
    @Test("a task that ends is seen to end; one stuck past the bound is left behind")
    func stopBound() async throws {
        let quick = Task<Void, any Error> {}
        #expect(await stopped(quick, within: .seconds(60)))
        // Stuck as a deadlocked stop is (nothing cancels it): it ends only when released.
        let (release, released) = AsyncStream<Void>.makeStream()
        let stuck = Task<Void, any Error> { for await _ in release {} }
        #expect(await stopped(stuck, within: .milliseconds(200)) == false)
        released.finish()
        #expect(await stopped(stuck, within: .seconds(60)))
    }

    @Test("two releases answer, and stop when the body returns")
    func serversAnswerAndStop() async throws {
        var configurations = [FakePBXConfiguration(), FakePBXConfiguration()]
        configurations[1].pbxVersion = PBXVersion("5.5.7")!
        let versions = try await withEmulatedServers(configurations, logger: quietLogger) { servers in
            var versions: [String] = []
            for server in servers {
                versions.append(
                    try await RawHTTPClient.post(port: server.port, path: "/app/status/index.php", [:]).json()["version"] as? String ?? "")
            }
            return versions
        }
        #expect(versions == ["5.4.9", "5.5.7"])
    }
}

import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The image under Testcontainers (Python's, from PyPI), through podman's Docker-compatible API:
/// the example `examples/testcontainers/test_fakepbx.py` (which docs/ci.md shows) runs as printed,
/// its waits on the ready line and on `/__fakepbx/health` included.
@Suite("Testcontainers", .serialized)
struct TestcontainersTests {
    @Test("the Python example starts the image with a log and an HTTP wait, and its billing calls pass")
    func pythonExample() async throws {
        let image = try await Podman.load(try ReleaseArtifacts.image())
        let python = try python3()
        let present = try await runProcess(python, ["-c", "import testcontainers"])
        try #require(
            present.status == 0,
            "Python's testcontainers is missing: python3 -m pip install testcontainers==4.15.0 (.ci/run does): \(present.stderr.suffix(300))")
        try await withTemporaryDirectory { dir in
            let socket = dir.appendingPathComponent("podman.sock").path
            let service = try await LaunchedProcess(try Podman.executable(), ["system", "service", "--time=0", "unix://\(socket)"])
            defer { service.signal(SIGTERM) }
            let listening = try await eventually(timeout: .seconds(60)) { FileManager.default.fileExists(atPath: socket) }
            #expect(listening, "podman system service made no socket at \(socket): \(service.standardError)")
            var environment = ProcessInfo.processInfo.environment
            environment["DOCKER_HOST"] = "unix://\(socket)"
            environment["TESTCONTAINERS_RYUK_DISABLED"] = "true"
            // These tests may themselves run in a container, where Testcontainers would look for the
            // new container through a network gateway; the published port on loopback is the way here.
            environment["TESTCONTAINERS_CONNECTION_MODE"] = "docker_host"
            environment["TC_HOST"] = "127.0.0.1"
            environment["FAKEPBX_IMAGE"] = image
            let run = try await runProcess(
                python, [repositoryFile("examples/testcontainers/test_fakepbx.py").path], environment: environment)
            #expect(run.status == 0 && run.stdout.hasSuffix("ok\n"), "\(run.stdout.suffix(2000))\(run.stderr.suffix(4000))")
        }
    }
}

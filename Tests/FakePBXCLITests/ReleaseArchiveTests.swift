import Foundation
import TestSupport
import Testing

/// The release archive (`scripts/release`) on a machine with no Swift: a bare Debian 12 root file
/// system (debootstrap's minbase, which `.ci/run` makes) started as a container by podman.
@Suite("Release archive", .serialized)
struct ReleaseArchiveTests {
    @Test("the archive's checksum holds, and in a bare Debian 12 its fakepbx serves the host and passes contract run")
    func runsWithoutSwift() async throws {
        let archive = try ReleaseArtifacts.archive()
        let sum = try String(contentsOfFile: archive.path + ".sha256", encoding: .utf8)
        let computed = try await runProcess(
            try toolOnPath("sha256sum", neededFor: "checking the archive", install: "apt-get install coreutils"), [archive.path])
        #expect(sum.split(separator: " ").first == computed.stdout.split(separator: " ").first, "\(sum) vs \(computed.stdout)")
        #expect(sum.hasSuffix(" \(archive.lastPathComponent)\n"), "sha256sum -c reads '\(sum)' next to the archive")

        let folder = String(archive.lastPathComponent.dropLast(".tar.gz".count))
        let debian = try await DebianRoot.image()
        let start =
            "mkdir -p /opt && tar -xzf /dist/\(archive.lastPathComponent) -C /opt && exec /opt/\(folder)/fakepbx serve --host 0.0.0.0 --port 8080 --allow 0.0.0.0/0"
        let arguments = [
            "--publish", "127.0.0.1::8080", "--volume", "\(archive.deletingLastPathComponent().path):/dist:ro", debian, "/bin/sh", "-c", start,
        ]
        try await Podman.withContainer(arguments) { container in
            _ = try await container.logs.waitForLine(containing: "listening on http://0.0.0.0:8080")
            let swift = try await Podman.run([
                "exec", container.id, "/bin/sh", "-c", "command -v swift swiftc; ls /usr/lib/swift /usr/share/swift 2>/dev/null; echo checked",
            ])
            #expect(swift.trimmingCharacters(in: .whitespacesAndNewlines) == "checked", "Swift in the bare root: \(swift)")
            let contract = try await Podman.run(
                [
                    "exec", container.id, "/opt/\(folder)/fakepbx", "contract", "run", "--timeout", "60", "--target", "http://127.0.0.1:8080",
                    "--username", "admin", "--password", "your-password",
                ])
            #expect(contract.contains("all contracts hold"), "\(contract.suffix(2000))")
            let port = try await container.hostPort(8080)
            let status = try await PHPClient.send(PHPClient.Call(url: "http://127.0.0.1:\(port)/app/status/index.php"))
            #expect(status.status == 200, "\(status.error) \(status.body.prefix(300))")
        }
    }
}

/// A bare Debian 12 as a podman image: the root file system `debootstrap --variant=minbase bookworm`
/// wrote to `FAKEPBX_DEBIAN_ROOT` (default `.build-debian12/`), imported once per test process.
enum DebianRoot {
    static var folder: URL {
        ProcessInfo.processInfo.environment["FAKEPBX_DEBIAN_ROOT"].map { URL(fileURLWithPath: $0) } ?? repositoryFile(".build-debian12")
    }

    private static let imported = Task<String, any Error> {
        let root = folder
        guard FileManager.default.fileExists(atPath: root.appendingPathComponent("etc/debian_version").path) else {
            throw RawHTTPClient.Failure(
                "no Debian root file system at \(root.path): make one with 'debootstrap --variant=minbase bookworm \(root.path)' (.ci/run does)")
        }
        let name = "localhost/fakepbx-test-debian12:bookworm"
        let tar = try toolOnPath("tar", neededFor: "importing the Debian root", install: "apt-get install tar")
        try await withTemporaryDirectory { dir in
            let archive = dir.appendingPathComponent("root.tar").path
            let packed = try await runProcess(tar, ["-C", root.path, "-cf", archive, "."])
            guard packed.status == 0 else { throw RawHTTPClient.Failure("tar of \(root.path) failed: \(packed.stderr)") }
            try await Podman.run(["import", "--quiet", archive, name])
        }
        return name
    }

    static func image() async throws -> String { try await imported.value }
}

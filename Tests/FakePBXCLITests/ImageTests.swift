import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The container image (`scripts/image`) as a CI job runs it: loaded with podman, started with its
/// ports published on the host's loopback, and driven from the host with PHP's curl, curl's CA
/// download and `fakepbx contract run`.
@Suite("Container image", .serialized)
struct ImageTests {
    static let published = ["--publish", "127.0.0.1::8080", "--publish", "127.0.0.1::8443"]

    @Test("the image serves HTTP and HTTPS to the host as a non-root user, prints its ready line, and contract run passes against it")
    func servesTheHost() async throws {
        let image = try await Podman.load(try ReleaseArtifacts.image())
        try await Podman.withContainer(Self.published + [image]) { container in
            let ready = try await container.logs.waitForLine(containing: "listening on")
            #expect(ready.hasPrefix("fakepbx ") && ready.contains("listening on http://0.0.0.0:8080 and https://0.0.0.0:8443"), "\(ready)")
            let http = try await container.hostPort(8080)
            let https = try await container.hostPort(8443)

            let health = try await RawHTTPClient.request(port: http, method: "GET", path: "/__fakepbx/health")
            #expect(health.status == 200, "\(health.text)")
            // As stock FusionPBX: plain HTTP is redirected to HTTPS, except the xml_cdr scripts.
            let status = try await PHPClient.send(PHPClient.Call(url: "http://127.0.0.1:\(http)/app/status/index.php"))
            #expect(status.status == 301 && status.body.contains("301 Moved Permanently"), "\(status.error) \(status.body.prefix(300))")
            let chkcon = try await PHPClient.send(PHPClient.Call(url: "http://127.0.0.1:\(http)/app/xml_cdr/chkcon.php"))
            #expect(chkcon.status == 200, "\(chkcon.error) \(chkcon.body.prefix(300))")

            // The host is not 127.0.0.1 inside the container: the image's whitelist and control API
            // admit the private ranges it comes from, so the CA is one request away.
            let ca = try await RawHTTPClient.request(port: http, method: "GET", path: "/__fakepbx/tls/ca.pem")
            #expect(ca.status == 200 && ca.text.hasPrefix("-----BEGIN CERTIFICATE-----"), "\(ca.status) \(ca.text.prefix(200))")
            try await withTemporaryDirectory { dir in
                let caFile = dir.appendingPathComponent("ca.pem").path
                try ca.text.write(toFile: caFile, atomically: true, encoding: .utf8)
                let secure = try await PHPClient.send(
                    PHPClient.Call(url: "https://127.0.0.1:\(https)/app/status/index.php", caFile: caFile))
                #expect(secure.status == 200, "\(secure.errno) \(secure.error)")
                let run = try await runProcess(
                    try fakepbxExecutable(),
                    [
                        "contract", "run", "--timeout", "60", "--target", "https://127.0.0.1:\(https)", "--cacert", caFile, "--username", "admin",
                        "--password",
                        "your-password",
                    ])
                #expect(run.status == 0 && run.stdout.contains("all contracts hold"), "\(run.stdout.suffix(3000))\(run.stderr)")
            }

            let pid = try #require(Int32(try await container.inspect("{{.State.Pid}}")))
            let processStatus = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
            let uid = processStatus.split(separator: "\n").first { $0.hasPrefix("Uid:") } ?? ""
            let ids = uid.split(separator: "\t").dropFirst()
            #expect(ids.count == 4 && ids.allSatisfy { $0 == "65532" }, "fakepbx runs as \(uid)")
        }
    }

    @Test("FAKEPBX_ALLOW replaces the image's whitelist: the host is then refused, the health route still answers")
    func whitelistFromTheEnvironment() async throws {
        let image = try await Podman.load(try ReleaseArtifacts.image())
        try await Podman.withContainer(Self.published + ["--env", "FAKEPBX_ALLOW=192.0.2.7", image]) { container in
            let whitelist = try await container.logs.waitForLine(containing: "whitelist:")
            #expect(whitelist.hasSuffix("whitelist: 192.0.2.7"), "\(whitelist)")
            let http = try await container.hostPort(8080)
            let health = try await RawHTTPClient.request(port: http, method: "GET", path: "/__fakepbx/health")
            #expect(health.status == 200, "\(health.text)")
            let status = try await PHPClient.send(PHPClient.Call(url: "http://127.0.0.1:\(http)/app/xml_cdr/chkcon.php"))
            #expect(status.status == 403, "\(status.status) \(status.body.prefix(300))")
        }
    }

    @Test("the image says what it is: OCI labels, a non-root user, the two ports, fakepbx serve as its command")
    func configuration() async throws {
        let image = try await Podman.load(try ReleaseArtifacts.image())
        func field(_ format: String) async throws -> String {
            try await Podman.run(["image", "inspect", "--format", format, image]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try await field("{{.Config.User}}") == "65532:65532")
        #expect(try await field("{{json .Config.Entrypoint}}") == #"["/usr/local/bin/fakepbx"]"#)
        #expect(try await field("{{json .Config.Cmd}}") == #"["serve"]"#)
        let ports = try await field("{{json .Config.ExposedPorts}}")
        #expect(ports.contains("8080/tcp") && ports.contains("8443/tcp"), "\(ports)")
        let version = try await runProcess(try ReleaseArtifacts.binary().path, ["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try await field(#"{{index .Labels "org.opencontainers.image.version"}}"#) == version)
        #expect(try await field(#"{{index .Labels "org.opencontainers.image.title"}}"#) == "fakepbx")
        #expect(!(try await field(#"{{index .Labels "org.opencontainers.image.revision"}}"#)).isEmpty)
        // Arguments after the image replace `serve`, as docs/ci.md says.
        let cases = try await Podman.run(["run", "--rm", image, "contract", "list"])
        #expect(cases.contains("read-only"), "\(cases.prefix(400))")
    }
}

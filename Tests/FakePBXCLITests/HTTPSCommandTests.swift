import Foundation
import TestSupport
import Testing

/// `fakepbx serve --https-port` as the README shows it, and the client side's `--cacert`.
@Suite("fakepbx serve over HTTPS")
struct HTTPSCommandTests {
    @Test("the README's HTTPS commands: both URLs on the first line, port files, the CA file, curl and contract run trusting it")
    func readmeHTTPSExample() async throws {
        try await withTemporaryDirectory { dir in
            let portFile = dir.appendingPathComponent("port").path
            let httpsPortFile = dir.appendingPathComponent("https-port").path
            let ca = dir.appendingPathComponent("fakepbx-ca.pem").path
            let server = try await LaunchedProcess(
                try fakepbxExecutable(),
                [
                    "serve", "--port", "0", "--port-file", portFile, "--https-port", "0", "--https-port-file", httpsPortFile,
                    "--tls-ca-out", ca, "--tls-name", "pbx.example.com",
                ])
            defer { server.signal(SIGTERM) }
            let lines = try await server.waitForLines(7)
            let banner = try #require(
                lines[0].wholeMatch(
                    of:
                        #/fakepbx 0\.1\.0 listening on http:\/\/127\.0\.0\.1:(\d+) and https:\/\/127\.0\.0\.1:(\d+) \(FusionPBX 5\.4\.9, auth: multi\)/#
                ),
                "banner was: \(lines[0])"
            )
            let httpsPort = try #require(Int(banner.2))
            #expect(try String(contentsOfFile: httpsPortFile, encoding: .utf8) == "\(httpsPort)\n")
            #expect(try String(contentsOfFile: portFile, encoding: .utf8) == "\(banner.1)\n")
            #expect(
                lines.contains("  tls: mode valid; CA written to \(ca); switch with POST https://127.0.0.1:\(httpsPort)/__fakepbx/tls"), "\(lines)")
            #expect(try String(contentsOfFile: ca, encoding: .utf8).hasPrefix("-----BEGIN CERTIFICATE-----"))

            let curl = try await runCurl([
                "-sS", "--cacert", ca, "--resolve", "pbx.example.com:\(httpsPort):127.0.0.1",
                "-X", "POST", "https://pbx.example.com:\(httpsPort)/app/status/index.php", "-d", "username=admin&password=your-password",
            ])
            #expect(curl.status == 0, "\(curl.stderr)")
            #expect(curl.stdout.contains("\"status\":\"success\""))

            let target = "https://localhost:\(httpsPort)"
            let trusted = try await runProcess(
                try fakepbxExecutable(),
                [
                    "contract", "run", "--timeout", "60", "--target", target, "--cacert", ca, "--read-only", "--username", "admin", "--password",
                    "your-password",
                ])
            #expect(trusted.status == 0, "\(trusted.stdout.suffix(600))\(trusted.stderr)")
            let untrusted = try await runProcess(
                try fakepbxExecutable(),
                [
                    "contract", "run", "--timeout", "60", "--target", target, "--read-only", "--username", "admin", "--password", "your-password",
                ])
            #expect(untrusted.status == 2, "without --cacert the certificate is not trusted: \(untrusted.stdout.suffix(300))\(untrusted.stderr)")
        }
    }

    @Test("bad HTTPS options: exit 64 naming the flag, exit 2 naming the file")
    func badOptions() async throws {
        let binary = try fakepbxExecutable()
        let mode = try await runProcess(binary, ["serve", "--port", "0", "--https-port", "0", "--tls-mode", "stale"])
        #expect(mode.status == 64)
        #expect(mode.stderr.contains("The value 'stale' is invalid for '--tls-mode <tls-mode>'"), "\(mode.stderr)")
        #expect(mode.stderr.contains("  - not-yet-valid\n  - wrong-host"), "\(mode.stderr)")
        let withoutPort = try await runProcess(binary, ["serve", "--port", "0", "--tls-mode", "expired"])
        #expect(withoutPort.status == 64)
        #expect(withoutPort.stderr.contains("apply with --https-port N"), "\(withoutPort.stderr)")
        let missing = try await runProcess(
            binary, ["serve", "--port", "0", "--https-port", "0", "--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/cert.pem: cannot read the file given to --tls-cert"), "\(missing.stderr)")
        // The HTTPS port taken: exit 1, and no banner announces a server that is not there.
        let taken = try await withFakePBX { busy in
            try await runProcess(binary, ["serve", "--port", "0", "--https-port", "\(busy.port)"])
        }
        #expect(taken.status == 1)
        #expect(taken.stdout.isEmpty, "\(taken.stdout)")
        #expect(taken.stderr.contains("the address is already in use"), "\(taken.stderr)")
        let badCA = try await runProcess(
            binary, ["contract", "run", "--timeout", "60", "--target", "https://127.0.0.1:1", "--cacert", "/nonexistent/ca.pem"])
        #expect(badCA.status == 2)
        #expect(badCA.stderr.contains("/nonexistent/ca.pem: cannot read the file given to --cacert"), "\(badCA.stderr)")
    }
}

import Foundation
import TestSupport
import Testing

/// End-to-end tests of the built `fakepbx` binary, as a CI script would use it.
@Suite("fakepbx serve")
struct ServeCommandTests {
    @Test func printsAParsableLineWritesThePortFileAndStopsOnSIGTERM() async throws {
        try await withTemporaryDirectory { dir in
            let portFile = dir.appendingPathComponent("port").path
            let server = try await LaunchedProcess(try fakepbxExecutable(), ["serve", "--port", "0", "--port-file", portFile])
            let lines = try await server.waitForLines(5)
            let match = try #require(
                lines[0].wholeMatch(of: #/fakepbx 0\.1\.0 listening on http:\/\/127\.0\.0\.1:(\d+) \(FusionPBX 5\.4\.9, auth: multi\)/#),
                "banner was: \(lines[0])")
            let port = try #require(Int(match.1))
            #expect(lines[1...3] == ["  username: admin", "  password: your-password", "  api key:  fakepbx-demo-api-key-0123456789abcdef"])
            #expect(lines[4] == "  whitelist: 127.0.0.1, ::1")
            let written = try String(contentsOfFile: portFile, encoding: .utf8)
            #expect(written == "\(port)\n")

            let status = try await RawHTTPClient.post(port: port, path: "/app/status/index.php", [:])
            #expect(status.status == 200)
            #expect(try status.json()["version"] as? String == "5.4.9")

            server.signal(SIGTERM)
            // A hang bound: the stop's own bound is 2 s (ShutdownWatchdog).
            let elapsed = try await server.waitForExit(timeout: .seconds(30))
            #expect(elapsed != nil, "fakepbx must stop promptly on SIGTERM, not hang")
            #expect(server.exitStatus == 0)
            #expect(!FileManager.default.fileExists(atPath: portFile), "the port file goes with the server, so a rerun never reads a stale port")
        }
    }

    @Test("--admin-port 0 writes the control listener's port to --admin-port-file, which goes with the server; the file alone is refused")
    func adminPortFile() async throws {
        try await withTemporaryDirectory { dir in
            let portFile = dir.appendingPathComponent("admin-port").path
            let server = try await LaunchedProcess(
                try fakepbxExecutable(), ["serve", "--port", "0", "--admin-port", "0", "--admin-port-file", portFile])
            let banner = try await server.waitForLine(containing: "control API")
            let port = try #require(Int(try String(contentsOfFile: portFile, encoding: .utf8).dropLast()), "\(banner)")
            #expect(banner.contains("127.0.0.1:\(port)"), "\(banner)")
            let health = try await RawHTTPClient.request(port: port, method: "GET", path: "/__fakepbx/health")
            #expect(health.status == 200, "\(health.text)")
            server.signal(SIGTERM)
            _ = try await server.waitForExit(timeout: .seconds(30))
            #expect(!FileManager.default.fileExists(atPath: portFile))

            let refused = try await runProcess(try fakepbxExecutable(), ["serve", "--port", "0", "--admin-port-file", portFile])
            #expect(refused.status != 0 && refused.stderr.contains("--admin-port-file applies with --admin-port N"), "\(refused.stderr)")
        }
    }

    @Test func stopsOnSIGINT() async throws {
        let server = try await LaunchedProcess(try fakepbxExecutable(), ["serve", "--port", "0"])
        _ = try await server.waitForLines(1)
        server.signal(SIGINT)
        #expect(try await server.waitForExit(timeout: .seconds(30)) != nil, "fakepbx must stop promptly on SIGINT, not hang")
    }

    @Test func environmentVariablesMirrorTheFlagsAndSecretsAreMasked() async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["FAKEPBX_PORT"] = "0"
        environment["FAKEPBX_AUTH_PROFILE"] = "password"
        environment["FAKEPBX_USERNAME"] = "whmcs"
        environment["FAKEPBX_PASSWORD"] = "Sup3r-Secret"
        environment["FAKEPBX_PBX_VERSION"] = "5.5.2"
        let server = try await LaunchedProcess(try fakepbxExecutable(), ["serve"], environment: environment)
        let lines = try await server.waitForLines(4)
        #expect(lines[0].hasSuffix("(FusionPBX 5.5.2, auth: password)"))
        #expect(lines[1] == "  username: whmcs")
        #expect(lines[2] == "  password: ******** (set by --password)")
        #expect(!lines.joined().contains("Sup3r-Secret"), "a password the user set is never printed")
        let port = try #require(bannerPort(lines[0]))
        let ok = try await RawHTTPClient.post(port: port, path: "/app/status/index.php", ["username": "whmcs", "password": "Sup3r-Secret"])
        #expect(ok.status == 200)
        #expect(try await RawHTTPClient.post(port: port, path: "/app/status/index.php", [:]).status == 401)
        server.signal(SIGTERM)
        _ = try await server.waitForExit(timeout: .seconds(30))
        #expect(!server.standardError.contains("Sup3r-Secret"), "secrets never reach the log")
    }

    /// `--php-types` and `FAKEPBX_PHP_TYPES` send CDR numbers as strings, as the README's table says.
    @Test(arguments: [(["--php-types"], [String: String]()), ([], ["FAKEPBX_PHP_TYPES": "true"])])
    func phpTypesFromTheFlagOrTheEnvironment(_ flags: [String], _ variables: [String: String]) async throws {
        let environment = ProcessInfo.processInfo.environment.merging(variables) { $1 }
        let server = try await LaunchedProcess(try fakepbxExecutable(), ["serve", "--port", "0"] + flags, environment: environment)
        let lines = try await server.waitForLines(1)
        let port = try #require(bannerPort(lines[0]))
        let day = { (offset: Double) in String(ISO8601DateFormatter().string(from: Date().addingTimeInterval(offset * 86_400)).prefix(10)) }
        let export = try await RawHTTPClient.post(port: port, path: "/app/xml_cdr/export_cdr.php", ["date_start": day(-7), "date_end": day(-1)])
        let record = try #require((try export.json()["records"] as? [[String: Any]])?.first, "\(export.text.prefix(300))")
        #expect(record["billsec"] is String && record["start_epoch"] is String, "\(record)")
        server.signal(SIGTERM)
        _ = try await server.waitForExit(timeout: .seconds(30))
    }

    /// A version the release table does not know is served as the nearest release below it, and the
    /// server says which; the status endpoint reports the version as given.
    @Test func anUnknownVersionIsAnsweredAsTheNearestReleaseAndSaidSo() async throws {
        let server = try await LaunchedProcess(try fakepbxExecutable(), ["serve", "--port", "0", "--pbx-version", "5.5.99"])
        let lines = try await server.waitForLines(1)
        #expect(lines[0].hasSuffix("(FusionPBX 5.5.99, auth: multi)"))
        let port = try #require(bannerPort(lines[0]))
        #expect(try await RawHTTPClient.post(port: port, path: "/app/status/index.php", [:]).json()["version"] as? String == "5.5.99")
        server.signal(SIGTERM)
        _ = try await server.waitForExit(timeout: .seconds(30))
        #expect(server.standardError.contains("FusionPBX 5.5.99 is not a release fakepbx knows; it answers as 5.5.13"), "\(server.standardError)")
    }

    @Test func flagWinsOverEnvironment() async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["FAKEPBX_AUTH_PROFILE"] = "password"
        let server = try await LaunchedProcess(
            try fakepbxExecutable(), ["serve", "--port", "0", "--auth-profile", "whitelist-only"], environment: environment)
        let lines = try await server.waitForLines(2)
        #expect(lines[0].hasSuffix("auth: whitelist-only)"))
        #expect(lines[1] == "  credentials: not required (auth: whitelist-only)")
        server.signal(SIGTERM)
        _ = try await server.waitForExit(timeout: .seconds(30))
    }

    /// Linux: all of 127.0.0.0/8 is local, so 127.0.0.2 stands for a host the whitelist admits.
    @Test("--allow (FAKEPBX_ALLOW, as the image sets it) is the whitelist: the banner shows it, the addresses in it are admitted and no other")
    func allowGivesTheWhitelist() async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["FAKEPBX_ALLOW"] = "127.0.0.2,10.0.0.0/8"
        let server = try await LaunchedProcess(try fakepbxExecutable(), ["serve", "--port", "0"], environment: environment)
        defer { server.signal(SIGTERM) }
        let whitelist = try await server.waitForLine(containing: "whitelist:")
        #expect(whitelist == "  whitelist: 127.0.0.2, 10.0.0.0/8", "\(whitelist)")
        let port = try #require(bannerPort(try await server.waitForLines(1)[0]))
        #expect(try await RawHTTPClient.post(port: port, path: "/app/status/index.php", [:], from: "127.0.0.2").status == 200)
        #expect(try await RawHTTPClient.post(port: port, path: "/app/status/index.php", [:], from: "127.0.0.1").status == 403)
    }

    @Test func badWhitelistStopsStartUpWithFileAndLine() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("chkcon_whitelist.conf")
            try "# ok\n127.0.0.1\n192.168.1.0/24\n10.1.2.3.4\n".write(to: file, atomically: true, encoding: .utf8)
            let result = try await runProcess(try fakepbxExecutable(), ["serve", "--port", "0", "--whitelist", file.path])
            #expect(result.status == 2)
            #expect(result.stderr.contains("\(file.path):4: '10.1.2.3.4' is not an IP address or CIDR"))
            #expect(result.stdout.isEmpty, "nothing is announced when start-up fails")
        }
    }

    @Test(arguments: [
        (["serve", "--port", "70000"], [String: String](), "--port: '70000' is not valid; expected a port from 0 to 65535"),
        (["serve"], ["FAKEPBX_PORT": "http"], "FAKEPBX_PORT (environment): 'http' is not valid; expected a port from 0 to 65535"),
        (
            ["serve", "--auth-profile", "oauth"], [:],
            "The value 'oauth' is invalid for '--auth-profile <auth-profile>'. Please provide one of 'whitelist-only', 'password' or 'multi'."
        ),
        (
            ["serve"], ["FAKEPBX_AUTH_PROFILE": "oauth"],
            "FAKEPBX_AUTH_PROFILE (environment): 'oauth' is not valid; expected whitelist-only, password or multi"
        ),
        (
            ["serve", "--trust-forwarded-for", "10.0.0.0/8", "proxy.local"], [:],
            "--trust-forwarded-for: 'proxy.local' is not an IP address or CIDR block"
        ),
        (["serve", "--pbx-version", "five"], [:], "--pbx-version: 'five' is not valid; expected a version such as 5.4.9"),
        (
            ["serve", "--allow", "10.0.0.0/8", "--whitelist", "chkcon.conf"], [:],
            "--allow and --whitelist chkcon.conf both give the whitelist; put the addresses in the file, or drop --whitelist"
        ),
        (["serve"], ["FAKEPBX_ALLOW": "10.0.0.0/8,gateway"], "FAKEPBX_ALLOW (environment): 'gateway' is not an IP address or CIDR block"),
    ])
    func badOptionsAreUsageErrors(_ arguments: [String], _ variables: [String: String], _ message: String) async throws {
        let environment = ProcessInfo.processInfo.environment.merging(variables) { $1 }
        let result = try await runProcess(try fakepbxExecutable(), arguments, environment: environment)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "stderr was: \(result.stderr)")
    }

    @Test func portInUseIsReported() async throws {
        let first = try await LaunchedProcess(try fakepbxExecutable(), ["serve", "--port", "0"])
        let lines = try await first.waitForLines(1)
        let port = try #require(bannerPort(lines[0]))
        let second = try await runProcess(try fakepbxExecutable(), ["serve", "--port", "\(port)"])
        #expect(second.status == 1)
        #expect(second.stderr.contains("the address is already in use"), "\(second.stderr)")
        #expect(second.stderr.contains("(127.0.0.1 port \(port))"), "\(second.stderr)")
        first.signal(SIGTERM)
        _ = try await first.waitForExit(timeout: .seconds(30))
    }
}

/// `fakepbx serve` stopping with an event stream open.
@Suite("Event streams at shutdown")
struct EventStreamShutdownTests {
    @Test("SIGTERM ends an open /__fakepbx/events stream and the server still stops promptly")
    func shutdownEndsStreams() async throws {
        try await withTemporaryDirectory { dir in
            let portFile = dir.appendingPathComponent("port").path
            let serve = try await LaunchedProcess(try fakepbxExecutable(), ["serve", "--port", "0", "--port-file", portFile])
            _ = try await serve.waitForLines(1)
            let port = try #require(Int(try String(contentsOfFile: portFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            let curl = try await BackgroundProcess(try curlExecutable(), ["-sS", "-N", "http://127.0.0.1:\(port)/__fakepbx/events"])
            defer { curl.stop() }
            _ = try await curl.wait(for: [": fakepbx journal events"])
            serve.signal(SIGTERM)
            // Hang bound only; the product's own bound is 1.2 s graceful plus 0.5 s cancellation.
            #expect(try await serve.waitForExit(timeout: .seconds(30)) != nil, "the server waited on the stream")
            let deadline = Date().addingTimeInterval(10)
            while curl.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!curl.isRunning, "the stream stayed open after the server stopped")
        }
    }
}

/// The stop's bound holds when the graceful stop cannot finish.
@Suite("A stuck stop")
struct StuckStopTests {
    @Test("a server stuck reading its whitelist (a pipe nobody writes) still stops on SIGTERM, with status 0")
    func stuckOnARead() async throws {
        try await withTemporaryDirectory { dir in
            let pipe = dir.appendingPathComponent("whitelist").path
            #expect(mkfifo(pipe, 0o600) == 0)
            let server = try await LaunchedProcess(try fakepbxExecutable(), ["serve", "--port", "0", "--whitelist", pipe])
            // Once the writer is open, fakepbx waits in read(2) for a line that never comes.
            let writer = try await Self.openForWriting(pipe, readBy: server)
            defer { close(writer) }
            server.signal(SIGTERM)
            #expect(try await server.waitForExit(timeout: .seconds(30)) != nil, "the stop hung: \(server.standardError)")
            #expect(server.exitStatus == 0, "a stop after a signal exits 0: \(server.standardError)")
            #expect(server.standardError.contains("the graceful stop did not finish within 2.0 seconds"), "\(server.standardError)")
        }
    }

    @Test("a whitelist given as a pipe (<(…)) is read once and not watched")
    func aPipedWhitelistIsReadOnce() async throws {
        try await withTemporaryDirectory { dir in
            let pipe = dir.appendingPathComponent("whitelist").path
            #expect(mkfifo(pipe, 0o600) == 0)
            let server = try await LaunchedProcess(try fakepbxExecutable(), ["serve", "--port", "0", "--whitelist", pipe])
            let writer = try await Self.openForWriting(pipe, readBy: server)
            #expect(write(writer, "127.0.0.1\n", 10) == 10)
            close(writer)
            _ = try await server.waitForLines(1)
            #expect(server.standardError.contains("the whitelist is not a regular file: read once, not watched for changes"))
            server.signal(SIGTERM)
            #expect(try await server.waitForExit(timeout: .seconds(30)) != nil)
        }
    }

    /// Opens `pipe` to write, which succeeds once `server` has opened it to read.
    static func openForWriting(_ pipe: String, readBy server: LaunchedProcess) async throws -> Int32 {
        var writer: Int32 = -1
        _ = try await eventually(timeout: .seconds(30)) {
            writer = open(pipe, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            return writer >= 0 || !server.isRunning
        }
        guard writer >= 0 else { throw RawHTTPClient.Failure("fakepbx never opened \(pipe) to read: \(server.standardError)") }
        return writer
    }
}

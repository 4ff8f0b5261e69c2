import FakePBX
import Foundation
import TestSupport
import Testing

/// The dashboard (`GET /__fakepbx/`) in a real, headless Chromium, driven by
/// `scripts/browser/dashboard.py` (Playwright on Debian's `chromium`). With
/// `FAKEPBX_SCREENSHOTS=1`, the run also writes `docs/dashboard.png`, which the README shows.
@Suite("Dashboard in a browser")
struct DashboardBrowserTests {
    static func drive(_ server: TestServer, token: String? = nil, screenshot: String? = nil, https: Bool = false) async throws -> ProcessResult {
        var arguments = [repositoryFile("scripts/browser/dashboard.py").path, "http://127.0.0.1:\(server.port)"]
        if let token { arguments += ["--token", token] }
        if https, let port = server.httpsPort { arguments += ["--https-port", String(port)] }
        if let screenshot { arguments += ["--screenshot", screenshot] }
        return try await runProcess(try python3(), arguments)
    }

    @Test("loads with no console error; curl's request shows from the live feed; the clock buttons, the fault form and a ban's time left work")
    func dashboardInChromium() async throws {
        let screenshot =
            ProcessInfo.processInfo.environment["FAKEPBX_SCREENSHOTS"] == "1"
            ? repositoryFile("docs/dashboard.png").path
            : FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-\(UUID().uuidString).png").path
        try await withFakePBX { (server: TestServer) async throws in
            let result = try await Self.drive(server, screenshot: screenshot)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("ok    the ban leaves when the clock passes it"), "\(result.stdout)")
            #expect(result.stdout.contains("ok    Enter on a row shows the answer sent"), "\(result.stdout)")
        }
        #expect(FileManager.default.fileExists(atPath: screenshot), "the browser wrote no screenshot")
    }

    @Test("a page served from another origin (127.0.0.2) cannot change the server's state, nor frame the dashboard")
    func anotherOriginCannotDriveIt() async throws {
        try await withFakePBX({ _ in }, clock: .system) { (server: TestServer) async throws in
            let result = try await runProcess(
                try python3(), [repositoryFile("scripts/browser/cross_origin.py").path, "http://127.0.0.1:\(server.port)"])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("ok    the dashboard did not render in another site's frame"), "\(result.stdout)")
        }
    }

    @Test("with --admin-token the page works when opened with ?token=, and is refused without it")
    func dashboardWithAdminToken() async throws {
        let token = "dashboard-token-0123456789"
        try await withFakePBX({ $0.adminToken = token }) { (server: TestServer) async throws in
            let refused = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/")
            #expect(refused.status == 401, "\(refused.text)")
            let wrong = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/?token=nope")
            #expect(wrong.status == 401, "\(wrong.text)")
            // The token is taken out of the query: a route that reads its query does not see it.
            let journal = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/journal?limit=1&token=\(token)")
            #expect(journal.status == 200, "\(journal.text)")
            let result = try await Self.drive(server, token: token)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        }
    }

    @Test("with HTTPS on, the TLS panel shows the mode, switches it, and offers the CA that curl then trusts")
    func tlsPanel() async throws {
        try await withHTTPSFakePBX { server, _ in
            let result = try await Self.drive(server, https: true)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("ok    curl trusting that CA gets 200 over HTTPS"), "\(result.stdout)")
        }
    }
}

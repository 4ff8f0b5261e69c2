import ContractKit
import Foundation
import Hummingbird
import JSONSchema
import NIOCore
import ServiceLifecycle
import TestSupport
import Testing

/// A test double that answers like a broken PBX: a wrong type, a missing field, a wrong status and an
/// HTML login page. `contract run` must fail on each with the right pointer.
@Suite("contract run against a broken server")
struct BrokenServerTests {
    static func withBrokenServer<T: Sendable>(_ body: (Int) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/app/status/index.php") { _, _ in
            // active_calls is a string; registered_extensions is missing.
            Self.reply(
                .ok, "application/json",
                #"{"status":"success","message":"System operational","timestamp":"2026-11-23T12:00:00Z","version":"5.4.9","uptime":"1 days, 2 hours","active_calls":"5","total_extensions":17}"#
            )
        }
        router.get("/app/xml_cdr/chkcon.php") { _, _ in
            Self.reply(.created, "application/json", #"{"success":1,"message":"API Access Granted: Whitelisted IP"}"#)
        }
        router.post("/app/registrations/check_registration.php") { _, _ in
            Self.reply(.ok, "text/html", "<html><title>Login</title><form action=\"/core/authentication/resources/authenticate.php\"></form></html>")
        }
        router.post("/app/gateways/provision_list.php") { _, _ in
            Response(status: .found, headers: [.location: "/login.php"])
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: quietLogger
        )
        return try await withRunning(app, ports: ports, body)
    }

    static func reply(_ status: HTTPResponse.Status, _ type: String, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static let brokenCase = #"""
        {"name": "broken", "steps": [
          {"name": "status", "operation": "status", "expect": {"status": 200}},
          {"name": "chkcon", "operation": "chkcon", "method": "GET", "expect": {"status": 200, "equals": {"/success": 1}}},
          {"name": "registration", "operation": "check_registration",
           "form": {"extension": "1001", "tenant_domain": "yourdomain.com"}, "expect": {"status": 200}},
          {"name": "gateways", "operation": "provision_list", "expect": {"status": 200}}
        ]}
        """#

    @Test func eachBreakageIsReportedWithItsPointer() async throws {
        let catalog = try ContractCatalog.embedded()
        let contractCase = try ContractCase(try JSONParser.parse(Self.brokenCase), file: "broken.json", catalog: catalog)
        let report = try await Self.withBrokenServer { port in
            var configuration = ContractRunConfiguration(target: "http://127.0.0.1:\(port)")
            configuration.timeout = .seconds(60)  // a hang bound
            return try await ContractRunner(catalog: catalog, configuration: configuration).run([contractCase])
        }
        #expect(report.exitCode == 1)
        func violations(_ name: String) -> [ContractViolation] {
            let check = report.suites[0].checks.first { $0.name == name }
            if case .failed(let list)? = check?.outcome { return list }
            return []
        }
        let body = violations("status › body")
        #expect(body.contains { $0.pointer == "/active_calls" && $0.rule == "schemas/common.json#/$defs/count/type" && $0.value == "\"5\"" })
        #expect(body.contains { $0.pointer == "" && $0.message.contains("\"registered_extensions\" missing") })
        #expect(violations("chkcon › status").first?.message.contains("status 201 is not part of chkcon's contract") == true)
        #expect(violations("chkcon › expectations").first?.rule == "expect/status")
        #expect(violations("registration › headers").first?.message == "Content-Type text/html is not application/json")
        #expect(violations("status › request").isEmpty)
        // A redirect to a login page is reported, not followed.
        #expect(violations("gateways › status").first?.message.contains("status 302 (Location: ") == true)
        #expect(violations("gateways › status").first?.message.contains("is not part of provision_list's contract") == true)

        // The JUnit report of the same run carries the pointers, rules and values.
        let xml = report.junitXML()
        #expect(xml.contains("/active_calls"))
        #expect(xml.contains("rule:  schemas/common.json#/$defs/count/type"))
        #expect(xml.contains("value: &quot;5&quot;"))
    }

    @Test("contract run --html against the broken server: the page has the JUnit counts and the body violation at its pointer, in Chromium")
    func theHTMLReportOfAFailedRunOpensInABrowser() async throws {
        let binary = try fakepbxExecutable()
        try await withTemporaryDirectory { dir in
            let junit = dir.appendingPathComponent("junit.xml").path
            let html = dir.appendingPathComponent("run.html").path
            let run = try await Self.withBrokenServer { port in
                try await runProcess(
                    binary,
                    [
                        "contract", "run", "--timeout", "60", "--target", "http://127.0.0.1:\(port)", "--case", "read-only", "--username", "admin",
                        "--password", "pw",
                        "--max-wait", "0", "--junit", junit, "--html", html, "--quiet",
                    ])
            }
            #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
            let browser = try await runProcess(
                try python3(), [repositoryFile("scripts/browser/report.py").path, html, junit, "--pointer", "/active_calls"])
            #expect(browser.status == 0, "\(browser.stdout)\(browser.stderr)")
            #expect(browser.stdout.contains("ok    the violation at /active_calls is visible"), "\(browser.stdout)")
        }
    }
}

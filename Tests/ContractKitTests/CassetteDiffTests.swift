import ContractKit
import Foundation
import JSONSchema
import TestSupport
import Testing

@Suite("contract diff")
struct CassetteDiffTests {
    static func exchange(_ path: String, _ status: Int, _ body: String, form: [String: String] = [:]) throws -> Exchange {
        Exchange(
            name: path, request: ExchangeRequest(method: "POST", path: path, form: form),
            response: ExchangeResponse(status: status, headers: ["content-type": "application/json"], body: .json(try JSONParser.parse(body)))
        )
    }

    static func pair() throws -> (Cassette, Cassette) {
        let old = Cassette(
            name: "before",
            exchanges: [
                try exchange(
                    "/app/status/index.php", 200,
                    #"{"status":"success","message":"ok","version":"5.4.9","uptime":"1 days, 2 hours","active_calls":5}"#),
                try exchange(
                    "/app/gateways/provision_list.php", 200,
                    #"{"status":"success","message":"ok","gateways":[{"gateway_name":"a","gateway_enabled":true}]}"#),
                try exchange(
                    "/app/xml_cdr/export_cdr.php", 200, #"{"status":"success","message":"ok","total_records":3}"#,
                    form: ["date_start": "2026-01-01", "date_end": "2026-01-02"]),
                try exchange("/app/xml_cdr/chkcon.php", 200, #"{"success":1,"message":"API Access Granted: Whitelisted IP"}"#),
                try exchange(
                    "/app/domains/manage_domain.php", 200, #"{"status":"success","domains":[{"domain_name":"a","domain_enabled":"true"}]}"#,
                    form: ["action": "list"]),
                try exchange(
                    "/app/gateways/provision.php", 200, #"{"status":"success","gateway":{"gateway_name":"a","enabled":"true"}}"#,
                    form: ["gateway_name": "a"]),
            ])
        let new = Cassette(
            name: "after",
            exchanges: [
                try exchange("/app/status/index.php", 200, #"{"status":"success","message":"ok","version":"5.5.1","load":"0.3","active_calls":"5"}"#),
                try exchange(
                    "/app/gateways/provision_list.php", 200,
                    #"{"status":"success","message":"ok","gateways":[{"gateway_name":"a","gateway_enabled":"true"}]}"#),
                try exchange(
                    "/app/xml_cdr/check_cdrs.php", 200, #"{"status":"success","message":"ok"}"#,
                    form: ["date_start": "2026-01-01", "date_end": "2026-01-02"]),
                try exchange(
                    "/app/xml_cdr/chkcon.php", 403, #"{"success":0,"message":"API Access Denied: Only whitelisted IPs may access this endpoint."}"#),
                try exchange(
                    "/app/domains/manage_domain.php", 200, #"{"status":"success","domains":[{"domain_name":"a","domain_enabled":true}]}"#,
                    form: ["action": "list"]),
                try exchange(
                    "/app/gateways/provision.php", 200, #"{"status":"success","gateway":{"gateway_name":"a","enabled":false}}"#,
                    form: ["gateway_name": "a"]),
            ])
        return (old, new)
    }

    @Test func everyPlantedChangeIsReported() throws {
        let (old, new) = try Self.pair()
        let changes = CassetteDiff.compare(old: old, new: new, catalog: try ContractCatalog.embedded()).map(\.description)
        #expect(changes.contains("status /active_calls: type changed from integer to string"))
        #expect(changes.contains("status /uptime: field removed (was string)"))
        #expect(changes.contains("status /load: new field (string)"))
        #expect(changes.contains("provision_list /gateways/*/gateway_enabled: a boolean became a string (boolean → string 'true'/'false')"))
        #expect(changes.contains("export_cdr: no longer seen"))
        #expect(changes.contains("check_cdrs: new operation"))
        #expect(changes.contains("chkcon: statuses changed from 200 to 403"))
        #expect(changes.count == 9, "\(changes)")
        // The same traffic twice differs in nothing.
        #expect(CassetteDiff.compare(old: old, new: old).isEmpty)
    }

    @Test("a CSV export's renamed column is a breaking change, a rate limit's 429 is not a status change")
    func csvAndRateLimits() {
        func exchange(_ format: String, status: Int = 200, body: String) -> Exchange {
            Exchange(
                name: format, request: ExchangeRequest(method: "POST", path: "/app/xml_cdr/export.php", form: ["format": format]),
                response: ExchangeResponse(status: status, headers: ["content-type": "text/csv"], bytes: Array(body.utf8)))
        }
        let old = Cassette(name: "old", exchanges: [exchange("CSV", body: "uuid,tta\n1,3\n"), exchange("CSV", status: 429, body: "slow down")])
        let new = Cassette(name: "new", exchanges: [exchange("CSV", body: "uuid,wait\n1,3\n")])
        let changes = CassetteDiff.compare(old: old, new: new)
        #expect(changes.map(\.description) == ["POST /app/xml_cdr/export.php tta: csv-column-renamed: tta -> wait"], "\(changes)")
        #expect(changes.allSatisfy { $0.isBreaking })
    }

    @Test func theCommandExitsOneOnBreakingChangesWithReports() async throws {
        let (old, new) = try Self.pair()
        try await withTemporaryDirectory { dir in
            let before = dir.appendingPathComponent("before.json").path
            let after = dir.appendingPathComponent("after.json").path
            try old.write(to: before)
            try new.write(to: after)
            let junit = dir.appendingPathComponent("diff.xml").path
            let binary = try fakepbxExecutable()
            let html = dir.appendingPathComponent("diff.html").path
            let result = try await runProcess(binary, ["contract", "diff", before, after, "--junit", junit, "--html", html])
            #expect(result.status == 1)
            // One check per cause: the flags that became booleans (FusionPBX 5.5.2) in two operations are one
            // failure; the flag that became a string in a third is another.
            let flags = "type-changed: string 'true'/'false' -> boolean"
            let failures = result.stdout.components(separatedBy: "FAIL diff: ").dropFirst()
            #expect(failures.count == 6, "\(result.stdout)")
            let flagCheck = try #require(failures.first { $0.hasPrefix(flags) })
            for place in ["manage_domain.list /domains/*/domain_enabled", "/gateway/enabled"] {
                #expect(flagCheck.contains(place), "\(place) in \(flagCheck)")
            }
            #expect(!flagCheck.contains("gateway_enabled"))
            #expect(flagCheck.contains("$v == 'false' is now false for a disabled record"), "\(flagCheck)")
            let reverse = "type-changed: boolean -> string 'true'/'false'\n     body provision_list /gateways/*/gateway_enabled"
            #expect(failures.contains { $0.hasPrefix(reverse) })
            let added = "NOTE diff: member-added: New members; a client that does not read them is unaffected. Seen at: status /load"
            #expect(result.stdout.contains(added))
            #expect(result.stdout.contains("compared: chkcon, "))
            let xml = try String(contentsOfFile: junit, encoding: .utf8)
            #expect(xml.contains("failures=\"6\""), "\(xml)")

            // Reviewed causes pass; one left out still fails.
            let accepted = dir.appendingPathComponent("accepted.txt").path
            let ids = [
                flags, "type-changed: boolean -> string 'true'/'false'", "type-changed: integer -> string", "member-removed", "operation-gone",
                "status: 200 -> 403",
            ]
            try (ids.joined(separator: "\n") + "\n").write(toFile: accepted, atomically: true, encoding: .utf8)
            let reviewed = try await runProcess(binary, ["contract", "diff", before, after, "--accept", accepted])
            #expect(reviewed.status == 0, "\(reviewed.stdout)")
            #expect(reviewed.stdout.contains("NOTE diff: accepted in \(accepted): \(flags)"), "\(reviewed.stdout)")
            try (ids.dropFirst().joined(separator: "\n") + "\n").write(toFile: accepted, atomically: true, encoding: .utf8)
            #expect(try await runProcess(binary, ["contract", "diff", before, after, "--accept", accepted]).status == 1)
            // The drift report in a real browser: the JUnit counts, and the changed fields at their pointers.
            let browser = try await runProcess(
                try python3(),
                [
                    repositoryFile("scripts/browser/report.py").path, html, junit,
                    "--pointer", "/gateways/*/gateway_enabled", "--pointer", "/active_calls",
                ])
            #expect(browser.status == 0, "\(browser.stdout)\(browser.stderr)")
            #expect(browser.stdout.contains("ok    the violation at /active_calls is visible"), "\(browser.stdout)")
            let same = try await runProcess(binary, ["contract", "diff", before, before])
            #expect(same.status == 0)
        }
    }
}

import FakePBX
import Foundation
import TestSupport
import Testing

/// What changes with the FusionPBX version (the table in docs/api.md, "Versions"), held over HTTP to
/// the facts of fusionpbx-data.md §9, which were read from FusionPBX's source.
@Suite("FusionPBX versions")
struct FusionPBXVersionTests {
    static let export = "/app/xml_cdr/export_cdr.php"
    static let week = ["date_start": "2026-11-16", "date_end": "2026-11-22", "format": "CSV"]

    /// §9's 5.4 list, changed as §9 says for the other releases: 5.5.1 swaps `tta` for `wait`;
    /// master selects `call_disposition` after `sip_hangup_disposition`.
    static func expectedColumns(_ version: String) throws -> [String] {
        var columns = try FusionPBXFacts.csvColumns54()
        let release = PBXVersion(version)!
        if release >= PBXVersion("5.5.1")! { columns[columns.firstIndex(of: "tta")!] = "wait" }
        if release >= PBXVersion("5.6.0")! { columns.insert("call_disposition", at: columns.firstIndex(of: "sip_hangup_disposition")! + 1) }
        return columns
    }

    @Test(arguments: ["5.3.8", "5.4.9", "5.5.0", "5.5.1", "5.5.13", "5.6.4-dev"])
    func csvExportAsXMLCDRExportWritesIt(version: String) async throws {
        let facts = try FusionPBXFacts.bullet("The CSV export")
        #expect(facts.contains("application/octet-binary") && facts.contains("order by start_stamp desc"), "\(facts)")
        let columns = try Self.expectedColumns(version)
        try await withFakePBX({ $0.pbxVersion = PBXVersion(version)! }) { server in
            let csv = try await server.post(Self.export, Self.week.merging(["leg": "all"]) { $1 })
            #expect(csv.status == 200)
            #expect(csv.header("Content-Type") == "application/octet-binary")
            #expect(csv.header("Content-Disposition") == "attachment; filename=cdr_20261123_120000.csv", "show=all's file name")
            let lines = csv.text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.first == Substring(columns.map { "\"\($0)\"" }.joined(separator: ",")), "\(version)")
            let rows = lines.dropFirst().dropLast().map { $0.dropFirst().dropLast().components(separatedBy: "\",\"") }
            #expect(rows.count == Int(csv.header("X-Total-Records") ?? ""))
            #expect(rows.count > 300)
            let column = { (name: String) in columns.firstIndex(of: name)! }
            let starts = rows.map { Int($0[column("start_epoch")]) ?? 0 }
            #expect(starts == starts.sorted(by: >), "newest first")
            #expect(rows.allSatisfy { $0.count == columns.count })
            #expect(!rows.contains { $0[column("status")] == "" }, "every row has a status")
            #expect(rows.contains { $0[column("leg")] == "b" }, "a superadmin's export has b-legs")
            // 12-hour times, as PostgreSQL's 'HH12:MI am' writes them.
            #expect(rows.allSatisfy { $0[column("start_time_formatted")].wholeMatch(of: #/(0[1-9]|1[0-2]):[0-5]\d [ap]m/#) != nil })
            if let tta = columns.firstIndex(of: "tta") {
                // §9: tta of an unanswered call is answer_epoch (0) - start_epoch, a large negative number.
                for row in rows {
                    let answered = row[column("billsec")] != "0" || row[column("status")] == "answered"
                    let value = try #require(Int(row[tta]))
                    #expect(answered ? value >= 0 : value == -(Int(row[column("start_epoch")]) ?? 0))
                }
            } else {
                #expect(rows.allSatisfy { $0[column("wait")] == "" }, "waitsec is NULL outside call centres")
            }
        }
    }

    @Test func oneDomainsExportHasItsNameInTheFileAndNoDomainColumn() async throws {
        try await withFakePBX { server in
            let csv = try await server.post(Self.export, Self.week.merging(["domain_name": "thames.pbx.example.co.uk"]) { $1 })
            #expect(csv.header("Content-Disposition") == "attachment; filename=cdr_thames.pbx.example.co.uk_20261123_120000.csv")
            let header = csv.text.prefix { $0 != "\n" }
            #expect(
                header == (try Self.expectedColumns("5.4.9")).dropLast().map { "\"\($0)\"" }.joined(separator: ","), "domain_name only with show=all")
        }
    }

    @Test func lostRaceLegsAreLeftOutOfTheCSV() async throws {
        try await withFakePBX { server in
            let json = try await server.json(Self.export, Self.week.merging(["format": "JSON", "leg": "all"]) { $1 })
            let records = try #require(json["records"] as? [[String: Any]])
            let lost = records.filter { $0["hangup_cause"] as? String == "LOSE_RACE" }.count
            #expect(lost > 0, "the week has ring groups that rang more than one phone")
            let csv = try await server.post(Self.export, Self.week.merging(["leg": "all"]) { $1 })
            #expect(Int(csv.header("X-Total-Records") ?? "") == records.count - lost, "xml_cdr_lose_race has no default group")
        }
    }

    @Test func anEmptyExportHasNoHeader() async throws {
        try await withFakePBX { server in
            let csv = try await server.post(Self.export, ["date_start": "2020-01-01", "date_end": "2020-01-02", "format": "CSV"])
            #expect(csv.status == 200)
            #expect(csv.header("X-Total-Records") == "0")
            // The header is the first row's keys; with no row the script's two loops write their line ends only.
            #expect(csv.text == "\n\n")
        }
    }

    /// §9: the `enabled` columns are text up to 5.5.1 and boolean from 5.5.2; `domain_enabled` is
    /// boolean in every release.
    @Test func flagsBecomeBooleansAtTheReleaseTheSourceSays() async throws {
        let from = try FusionPBXFacts.booleanFlagsFrom()
        #expect(from == "5.5.2")
        let before = PBXVersion("5.5.\(Int(from.split(separator: ".")[2])! - 1)")!
        for (version, boolean) in [(PBXVersion("5.4.9")!, false), (before, false), (PBXVersion(from)!, true), (PBXVersion("5.6.4-dev")!, true)] {
            try await withFakePBX({ $0.pbxVersion = version }) { server in
                let ext = try await server.json(
                    "/app/extensions/manage_extension.php", ["action": "get", "extension": "1001", "domain_name": "yourdomain.com"])
                let enabled = (ext["extension"] as? [String: Any])?["enabled"]
                #expect(boolean ? (enabled as? Bool == true) : (enabled as? String == "true"), "\(version): \(String(describing: enabled))")
                let gateways = try await server.json("/app/gateways/manage_gateway.php", ["action": "list"])
                let gateway = try #require((gateways["gateways"] as? [[String: Any]])?.first)
                #expect(boolean ? gateway["enabled"] is Bool : gateway["enabled"] is String, "\(version)")
                let domains = try await server.json("/app/domains/manage_domain.php", ["action": "list"])
                let domain = try #require((domains["domains"] as? [[String: Any]])?.first)
                #expect(domain["domain_enabled"] as? Bool == true, "\(version): domain_enabled is boolean since 5.0.1")
            }
        }
    }

    /// §9 "Values": tta, accountcode, source_number, last_app/last_arg, NULL for empty values; and the
    /// v_xml_cdr columns of each release (§9 "v_xml_cdr by version").
    @Test func cdrValuesAsFreeSWITCHAndFusionPBXStoreThem() async throws {
        let values = try FusionPBXFacts.bullet("Values:")
        #expect(values.contains("Empty strings are stored as NULL"), "\(values)")
        try await withFakePBX { server in
            let json = try await server.json(Self.export, Self.week.merging(["format": "JSON", "leg": "all"]) { $1 })
            let records = try #require(json["records"] as? [[String: Any]])
            for record in records {
                for (key, value) in record { #expect(value as? String != "", "\(key) is NULL when empty, never ''") }
                let direction = record["direction"] as? String
                let aLeg = record["leg"] as? String == "a"
                if direction == "inbound" {
                    #expect(record["accountcode"] is NSNull, "inbound: only with destination_accountcode")
                } else {
                    #expect(record["accountcode"] as? String == record["domain_name"] as? String)
                }
                if aLeg {
                    #expect(record["last_app"] as? String == "bridge")
                    let arg = try #require(record["last_arg"] as? String)
                    #expect(
                        direction == "outbound"
                            ? arg.hasPrefix("sofia/gateway/") : arg.hasPrefix("user/") && arg.hasSuffix("@\(record["domain_name"] as? String ?? "")"),
                        "\(arg)")
                } else {
                    #expect(record["last_app"] is NSNull && record["last_arg"] is NSNull)
                }
                if direction == "outbound" && aLeg {
                    #expect(
                        record["source_number"] as? String != record["caller_id_number"] as? String,
                        "the route's outbound caller ID, not the extension")
                }
            }
            let keys = Set(records[0].keys)
            #expect(keys.isSuperset(of: ["ring_group_uuid", "ivr_menu_uuid", "provider_uuid", "voicemail_message", "waitsec"]))
            #expect(keys.isDisjoint(with: ["call_disposition", "processed"]), "5.4 has neither")
        }
        for (version, disposition, processed, ringGroup) in [
            ("5.3.9", false, false, false), ("5.5.6", true, false, true), ("5.6.4-dev", true, true, true),
        ] {
            try await withFakePBX({ $0.pbxVersion = PBXVersion(version)! }) { server in
                let json = try await server.json(Self.export, Self.week.merging(["format": "JSON"]) { $1 })
                let keys = Set(try #require((json["records"] as? [[String: Any]])?.first).keys)
                #expect(keys.contains("call_disposition") == disposition, "\(version)")
                #expect(keys.contains("processed") == processed, "\(version)")
                #expect(keys.contains("ring_group_uuid") == ringGroup, "\(version)")
            }
        }
    }

    /// With `php_types` the CDR numbers are strings, as a PHP script `json_encode`-ing PostgreSQL rows
    /// sends them; a scenario turns it on as the flag does.
    @Test func phpTypesSendNumbersAsStrings() async throws {
        #expect(try FusionPBXFacts.bullet("Values:").contains("returns `numeric` columns as strings"))
        var configuration = FakePBXConfiguration()
        try Scenario(text: "name: php\nphp_types: true\n", file: "php.yaml").apply(to: &configuration)
        #expect(configuration.phpTypes == true)
        #expect(throws: ScenarioError.self) { try Scenario(text: "name: php\nphp_types: sometimes\n", file: "php.yaml") }
        try await withFakePBX({ $0.phpTypes = true }) { server in
            let json = try await server.json(Self.export, Self.week.merging(["format": "JSON"]) { $1 })
            let record = try #require((json["records"] as? [[String: Any]])?.first)
            for key in ["start_epoch", "answer_epoch", "end_epoch", "duration", "billsec", "billmsec", "pdd_ms", "hangup_cause_q850"] {
                let text = try #require(record[key] as? String, "\(key) is a string")
                #expect(Int(text) != nil, "\(key): \(text)")
            }
            #expect(json["total_records"] is Int, "the summary is the script's own, not a row")
        }
    }

    @Test func anUnknownVersionIsAnsweredAsTheNearestKnownRelease() async throws {
        #expect(FusionPBXReleases.note(for: PBXVersion("5.4.9")!) == nil)
        #expect(PBXVersion("5.4.11")!.model.version.text == "5.4.10")
        #expect(PBXVersion("5.6.4")!.model.version.text == "5.6.4-dev")
        #expect(PBXVersion("4.4.0")!.model.version.text == "5.3.0")
        #expect(FusionPBXReleases.note(for: PBXVersion("5.5.99")!)?.contains("it answers as 5.5.13") == true)
        try await withFakePBX({ $0.pbxVersion = PBXVersion("5.5.99")! }) { server in
            let health = try await RawHTTPClient.request(port: server.port, method: "GET", path: "/__fakepbx/health")
            let body = try health.json()
            #expect(body["pbx_version"] as? String == "5.5.99")
            #expect(body["answers_as"] as? String == "5.5.13")
            #expect(try await server.json("/app/status/index.php")["version"] as? String == "5.5.99", "reported as given")
        }
    }
}

import FakePBX
import Foundation
import TestSupport
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// CDR export, check and data retrieval over the default dataset at a fixed date (2026-11-23).
@Suite("CDR endpoints")
struct CDREndpointTests {
    static let export = "/app/xml_cdr/export_cdr.php"
    static let week = ["date_start": "2026-11-16", "date_end": "2026-11-22"]

    @Test func jsonExportHasTheDocumentedSummaryAndTheRecords() async throws {
        try await withFakePBX { server in
            let answer = try await server.json(Self.export, Self.week)
            #expect(answer["status"] as? String == "success")
            #expect(answer["message"] as? String == "CDR export completed")
            #expect(answer["date_range"] as? String == "2026-11-16 to 2026-11-22")
            #expect(answer["export_format"] as? String == "JSON")
            let records = try #require(answer["records"] as? [[String: Any]])
            #expect(answer["total_records"] as? Int == records.count)
            #expect(records.count > 300, "a week of calls for four active tenants")
            #expect(Set(records.compactMap { $0["domain_name"] as? String }).count == 4, "the suspended tenant has no calls")
            for record in records {
                let billsec = try #require(record["billsec"] as? Int)
                let answer = try #require(record["answer_epoch"] as? Int)
                let start = try #require(record["start_epoch"] as? Int)
                let end = try #require(record["end_epoch"] as? Int)
                #expect((billsec > 0) == (answer > 0))
                #expect((record["status"] as? String == "answered") == (billsec > 0))
                #expect(end >= start && (answer == 0 || (answer >= start && end >= answer)))
                #expect(record["duration"] as? Int == billsec)
                #expect(["inbound", "outbound", "local"].contains(record["direction"] as? String ?? ""))
            }
        }
    }

    /// FreeSWITCH stores `switch_channel_cause_q850()`, which is 16 for its own causes above 127
    /// (fusionpbx-data.md §9): no exported row has a q850 above 127, over HTTP and from `cdr generate`.
    @Test func q850IsNeverAbove127() async throws {
        let reference = try String(contentsOf: try sharedFolder("reference/fusionpbx-data.md"), encoding: .utf8)
        #expect(
            reference.contains("**hangup_cause_q850** is 16 for every cause above 127"),
            "the reference notes no longer say so; re-check fakepbx against them")
        try await withFakePBX { server in
            let answer = try await server.json(Self.export, Self.week.merging(["leg": "all"]) { $1 })
            let records = try #require(answer["records"] as? [[String: Any]])
            let q850 = records.compactMap { $0["hangup_cause_q850"] as? Int }
            #expect(q850.count == records.count && q850.allSatisfy { $0 <= 127 }, "\(Set(q850).sorted())")
            let cancelled = records.filter { $0["hangup_cause"] as? String == "ORIGINATOR_CANCEL" }
            #expect(!cancelled.isEmpty && cancelled.allSatisfy { $0["hangup_cause_q850"] as? Int == 16 })
            let busy = records.first { $0["hangup_cause"] as? String == "USER_BUSY" }
            #expect(busy.map { $0["hangup_cause_q850"] as? Int == 17 } ?? true, "causes up to 127 keep their Q.850 code")
        }
        let generated = try await runProcess(try fakepbxExecutable(), ["cdr", "generate", "--count", "20000", "--legs", "all", "--quiet"])
        #expect(generated.status == 0, "\(generated.stderr)")
        // Megabytes of text: split off Swift's cooperative pool, which the servers of other tests need.
        let values = try await offThePool {
            generated.stdout.components(separatedBy: "\"hangup_cause_q850\":").dropFirst().map { Int($0.prefix { $0.isNumber }) ?? -1 }
        }
        #expect(values.count > 20000, "every leg has the column: \(values.count)")
        #expect(values.allSatisfy { (0...127).contains($0) }, "generated q850 values: \(Set(values).sorted())")
    }

    /// billsec is the talk time truncated; billmsec keeps the milliseconds, in JSON and CSV alike.
    @Test func billmsecKeepsTheMilliseconds() async throws {
        let reference = try String(contentsOf: try sharedFolder("reference/fusionpbx-data.md"), encoding: .utf8)
        #expect(reference.contains("**billmsec keeps the milliseconds.**"), "the reference notes no longer say so; re-check fakepbx against them")
        try await withFakePBX { server in
            let records = try #require(try await server.json(Self.export, Self.week)["records"] as? [[String: Any]])
            let answered = records.filter { ($0["billsec"] as? Int ?? 0) > 0 }
            #expect(answered.count > 50)
            for record in answered {
                let billsec = record["billsec"] as? Int ?? -1
                let billmsec = record["billmsec"] as? Int ?? -1
                #expect(billmsec / 1000 == billsec, "\(record["xml_cdr_uuid"] ?? "")")
                #expect(record["mduration"] as? Int == billmsec)
            }
            #expect(answered.filter { ($0["billmsec"] as? Int ?? 0) % 1000 != 0 }.count > answered.count * 9 / 10)
            #expect(records.filter { ($0["billsec"] as? Int ?? 0) == 0 }.allSatisfy { $0["billmsec"] as? Int == 0 })
        }
    }

    /// Fields that mean the same everywhere are checked before any endpoint runs (docs/api.md): a
    /// filter the contracts refuse is refused, not answered with an empty list; blank is not given.
    @Test func typedFieldsAreCheckedOnEveryEndpoint() async throws {
        try await withFakePBX { server in
            let extensionFilter = try await server.post(Self.export, Self.week.merging(["extension": "abc"]) { $1 })
            #expect(extensionFilter.status == 400)
            #expect(
                try extensionFilter.json()["message"] as? String
                    == "Invalid Request: extension 'abc' is not valid: expected 2 to 10 digits, such as 1001")
            let domainFilter = try await server.post("/app/gateways/provision_list.php", ["domain_name": "0."])
            #expect(domainFilter.status == 400)
            #expect((try domainFilter.json()["message"] as? String)?.hasPrefix("Invalid Request: domain_name '0.' is not valid") == true)
            let uuid = try await server.post("/app/extensions/manage_extension.php", ["action": "get", "extension_uuid": "not-a-uuid"])
            #expect(uuid.status == 400)
            let blank = try await server.post(Self.export, Self.week.merging(["extension": "  ", "domain_name": ""]) { $1 })
            #expect(blank.status == 200, "blank filters are not given: \(blank.text.prefix(200))")
        }
    }

    @Test func dateRangeIsInclusiveInTheDomainTimeZone() async throws {
        try await withFakePBX { server in
            let day = try await server.json(
                Self.export, ["date_start": "2026-11-20", "date_end": "2026-11-20", "domain_name": "harbour.pbx.example.com.au"])
            let records = try #require(day["records"] as? [[String: Any]])
            #expect(!records.isEmpty)
            let sydney = TimeZone(identifier: "Australia/Sydney")!
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = sydney
            for record in records {
                let start = Date(timeIntervalSince1970: Double(record["start_epoch"] as? Int ?? 0))
                let parts = calendar.dateComponents([.year, .month, .day, .hour], from: start)
                #expect(parts.day == 20 && parts.month == 11, "Sydney local day of every record is the 20th")
                #expect((7..<20).contains(parts.hour ?? -1), "business hours in the tenant's own time zone")
            }
            let whole = try await server.json(Self.export, Self.week.merging(["domain_name": "harbour.pbx.example.com.au"]) { $1 })
            let total = try #require(whole["total_records"] as? Int)
            var sum = 0
            for day in 16...22 {
                let one = try await server.json(
                    Self.export, ["date_start": "2026-11-\(day)", "date_end": "2026-11-\(day)", "domain_name": "harbour.pbx.example.com.au"])
                sum += one["total_records"] as? Int ?? 0
            }
            #expect(sum == total, "single days partition the week: no record lost or counted twice at day edges")
        }
    }

    @Test func csvAndXMLFormats() async throws {
        try await withFakePBX { server in
            let csv = try await server.post(Self.export, Self.week.merging(["format": "CSV", "domain_name": "thames.pbx.example.co.uk"]) { $1 })
            #expect(csv.status == 200)
            #expect(csv.header("Content-Type") == "application/octet-binary")
            #expect(csv.header("Content-Disposition") == "attachment; filename=cdr_thames.pbx.example.co.uk_20261123_120000.csv")
            let lines = csv.text.split(separator: "\n")
            #expect(lines.first?.hasPrefix(#""domain_uuid","sip_call_id","extension","extension_name","start_stamp""#) == true)
            #expect(lines.count - 1 == Int(csv.header("X-Total-Records") ?? ""))
            #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("\"") && $0.hasSuffix("\"") })

            let xml = try await server.post(Self.export, Self.week.merging(["format": "xml"]) { $1 })
            #expect(xml.header("Content-Type") == "application/xml; charset=utf-8")
            let parser = XMLParser(data: Data(xml.body))
            #expect(parser.parse(), "export XML must be well-formed")
            #expect(xml.text.contains("<hangup_cause_q850>"))
        }
    }

    @Test func badDatesAndFormats() async throws {
        try await withFakePBX { server in
            let missing = try await server.post(Self.export, ["date_start": "2026-11-16"])
            #expect(try missing.json()["message"] as? String == "Missing Parameters: date_end")
            let badDate = try await server.post(Self.export, ["date_start": "2026-02-30", "date_end": "2026-03-01"])
            #expect(badDate.status == 400)
            #expect(
                try badDate.json()["message"] as? String
                    == "Invalid Request: date_start '2026-02-30' is not valid: expected a date YYYY-MM-DD (or YYYY-MM-DD HH:MM)")
            let reversed = try await server.post(Self.export, ["date_start": "2026-11-20", "date_end": "2026-11-19"])
            #expect(reversed.status == 200, "a reversed range selects no day, as the SQL query does")
            #expect(try reversed.json()["total_records"] as? Int == 0)
            let format = try await server.post(Self.export, Self.week.merging(["format": "PDF"]) { $1 })
            #expect(try format.json()["message"] as? String == "Invalid Request: format 'PDF' is not valid: expected JSON, CSV or XML")
        }
    }

    @Test func checkAndPagedRetrieval() async throws {
        try await withFakePBX { server in
            let check = try await server.json("/app/xml_cdr/check_cdrs.php", Self.week)
            #expect(check["cdrs_available"] as? Bool == true)
            let total = try #require(check["total_records"] as? Int)
            let perDomain = (check["domains"] as? [[String: Any]] ?? []).compactMap { $0["total_records"] as? Int }
            #expect(perDomain.reduce(0, +) == total)

            let empty = try await server.json("/app/xml_cdr/check_cdrs.php", ["date_start": "2020-01-01", "date_end": "2020-01-31"])
            #expect(empty["cdrs_available"] as? Bool == false)

            var seen = Set<String>()
            var page = 1
            while true {
                let answer = try await server.json("/app/xml_cdr/get_cdr_data.php", Self.week.merging(["per_page": "100", "page": "\(page)"]) { $1 })
                let rows = answer["records"] as? [[String: Any]] ?? []
                if rows.isEmpty { break }
                seen.formUnion(rows.compactMap { $0["xml_cdr_uuid"] as? String })
                page += 1
            }
            #expect(seen.count == total, "paging returns every record exactly once")

            let filtered = try await server.json(
                "/app/xml_cdr/get_cdr_data.php",
                Self.week.merging(["direction": "inbound", "extension": "1001", "domain_name": "yourdomain.com"]) { $1 })
            let rows = filtered["records"] as? [[String: Any]] ?? []
            #expect(!rows.isEmpty)
            #expect(rows.allSatisfy { $0["direction"] as? String == "inbound" && $0["extension"] as? String == "1001" })
        }
    }
}

/// Exports large enough to stream: chunked, without Content-Length, and whole.
@Suite("CDR export streaming")
struct CDRStreamingTests {
    static func heavy(_ configuration: inout FakePBXConfiguration) {
        var dataset = Dataset.defaultDataset
        dataset.cdrGeneration?.callsPerDay = 700
        dataset.cdrGeneration?.domains = [:]
        configuration.dataset = dataset
    }

    @Test func aLargeExportStreamsChunkedAndHoldsEveryRecord() async throws {
        try await withFakePBX(Self.heavy) { (server: TestServer) async throws in
            let range = ["date_start": "2026-11-19", "date_end": "2026-11-20"]
            let check = try await server.json("/app/xml_cdr/check_cdrs.php", range)
            let total = try #require(check["total_records"] as? Int)
            #expect(total > 4000)
            let answer = try await RawHTTPClient.request(
                port: server.port, path: "/app/xml_cdr/export_cdr.php",
                body: RawHTTPClient.formEncode(range.merging(["username": "admin", "password": "your-password"]) { $1 }), timeout: 60
            )
            #expect(answer.status == 200)
            #expect(answer.header("Content-Length") == nil, "over 1 MB: streamed, not held")
            #expect(answer.header("Transfer-Encoding") == "chunked")
            #expect(answer.body.count > 1 << 20)
            #expect(answer.header("X-Total-Records") == String(total))
            // Parsing megabytes is slow in a debug build: off Swift's cooperative pool, which the
            // servers of other tests need.
            let (announced, uuids) = try await offThePool { () throws -> (Int?, [String]) in
                let document = try answer.json()
                let records = document["records"] as? [[String: Any]] ?? []
                return (document["total_records"] as? Int, records.compactMap { $0["xml_cdr_uuid"] as? String })
            }
            #expect(announced == total)
            #expect(uuids.count == total, "the announced total is what was sent")
            #expect(Set(uuids).count == total)

            let csv = try await RawHTTPClient.request(
                port: server.port, path: "/app/xml_cdr/export_cdr.php",
                body: RawHTTPClient.formEncode(
                    range.merging(["format": "CSV", "leg": "all", "username": "admin", "password": "your-password"]) { $1 }),
                timeout: 60
            )
            let rows = csv.text.split(separator: "\n").count - 1
            #expect(rows == Int(csv.header("X-Total-Records") ?? ""))
            #expect(rows > total, "leg=all adds the b-legs")
        }
    }

    @Test func legSelectionAndTodaySoFar() async throws {
        try await withFakePBX { (server: TestServer) async throws in
            let today = ["date_start": "2026-11-23", "date_end": "2026-11-23", "domain_name": "harbour.pbx.example.com.au", "leg": "all"]
            let answer = try await server.json(CDREndpointTests.export, today)
            let records = try #require(answer["records"] as? [[String: Any]])
            // 12:00 UTC is 23:00 in Sydney: Monday's calls there have all happened.
            #expect(records.count > 20, "today so far is part of the history")
            #expect(records.allSatisfy { ($0["end_epoch"] as? Int ?? .max) <= Int(fixedNow) }, "no call in progress is listed")
            let legs = Set(records.compactMap { $0["leg"] as? String })
            #expect(legs == ["a", "b"])
            // Advancing the clock brings the calls that have ended since, as a billing cron would see them.
            let london = ["date_start": "2026-11-23", "date_end": "2026-11-23", "domain_name": "thames.pbx.example.co.uk"]
            let before = try await server.json("/app/xml_cdr/check_cdrs.php", london)["total_records"] as? Int ?? -1
            let advanced = try await RawHTTPClient.request(
                port: server.port, method: "POST", path: "/__fakepbx/clock/advance", body: #"{"seconds": 7200}"#, contentType: "application/json"
            )
            #expect(advanced.status == 200)
            let after = try await server.json("/app/xml_cdr/check_cdrs.php", london)["total_records"] as? Int ?? -1
            #expect(after > before && before >= 0, "12:00 to 14:00 in London adds the calls that ended meanwhile")

            let bad = try await server.post(CDREndpointTests.export, CDREndpointTests.week.merging(["leg": "c"]) { $1 })
            #expect(try bad.json()["message"] as? String == "Invalid Request: leg 'c' is not valid: expected a, b or all")
        }
    }
}

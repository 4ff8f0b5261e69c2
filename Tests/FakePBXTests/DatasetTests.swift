import FakePBX
import Foundation
import TestSupport
import Testing

@Suite("Datasets")
struct DatasetTests {
    let dataset = Dataset.defaultDataset

    @Test func defaultDatasetLooksLikeASmallProvider() throws {
        #expect(Set(dataset.domains.map(\.numberingPlan)) == [.nanp, .au, .uk])
        #expect(dataset.domains.contains { !$0.enabled }, "one tenant is suspended")
        for domain in dataset.domains where domain.enabled {
            #expect(dataset.extensions.contains { $0.domainName == domain.name })
            #expect(dataset.gateways.contains { $0.domainName == domain.name }, "\(domain.name) has a carrier gateway")
            #expect(dataset.destinations.contains { $0.domainName == domain.name }, "\(domain.name) has inbound DIDs")
            #expect(dataset.outboundRoutes.contains { $0.domainName == domain.name })
            #expect((dataset.cdrGeneration?.volume(of: domain.name) ?? 0) > 0, "\(domain.name) makes calls")
        }
        let au = dataset.outboundRoutes.filter { $0.domainName == "harbour.pbx.example.com.au" }
        let special = try #require(
            au.first { $0.name == "carrier_au.AU-13-1300-1800" }, "routes are named <gateway>.<abbrv>, as dialplan_outbound_add.php names them")
        for number in ["1300555123", "1800555123", "131313"] {
            #expect(try Regex(special.expression).wholeMatch(in: number) != nil, "\(number) routes as a special number")
        }
        #expect(dataset.registrations.allSatisfy { !$0.agent.isEmpty && $0.contact.contains("sip:") })
        #expect((dataset.domains.map(\.uuid) + dataset.extensions.map(\.uuid)).allSatisfy(UUIDv4.isValid))
        #expect(dataset.cdrs.isEmpty, "the call history is generated, not stored")
        #expect(dataset.cdrGeneration?.days == 7)
    }

    @Test func generatedHistoryCoversTheWeekBeforeNowAndEndsByNow() {
        let generator = CDRGenerator(dataset: dataset, settings: dataset.cdrGeneration!, now: Int(fixedNow))
        let selection = CDRSelection(dataset: dataset, filter: CDRFilter(endedBy: Int(fixedNow)), generator: generator)
        let records = Array(selection.records())
        #expect(records.count == selection.count())
        #expect(records.allSatisfy { $0.endEpoch <= Int(fixedNow) }, "no call still in progress is listed")
        #expect(Set(records.map { $0.startEpoch / 86_400 }).count >= 8, "seven days before today, and today so far")
        #expect(records.allSatisfy { $0.startEpoch > Int(fixedNow) - 9 * 86_400 })
        #expect(Set(records.map(\.domainName)).count == 4, "every active tenant calls; the suspended one does not")
        // A minute later the same history, plus any call that ended in that minute.
        let later = CDRSelection(
            dataset: dataset, filter: CDRFilter(endedBy: Int(fixedNow) + 60),
            generator: CDRGenerator(dataset: dataset, settings: dataset.cdrGeneration!, now: Int(fixedNow) + 60)
        )
        let laterUUIDs = Set(later.records().map(\.uuid))
        #expect(records.allSatisfy { laterUUIDs.contains($0.uuid) }, "history does not change as time passes")
    }

    @Test func badCDRGenerationSettingsAreNamedByPointer() throws {
        var json = try #require(try JSONSerialization.jsonObject(with: dataset.encodedJSON()) as? [String: Any])
        json["cdr_generation"] = ["seed": "x", "volume": 1]
        let unknown = try JSONSerialization.data(withJSONObject: json)
        #expect { try Dataset.decode(unknown, source: "bad.json") } throws: {
            "\($0)".contains("bad.json#/cdr_generation/volume: unknown field 'volume'")
        }
        json["cdr_generation"] = ["seed": "x", "calls_per_day": -5, "domains": ["nowhere.example": 3], "prefix_quirks": 2]
        let data = try JSONSerialization.data(withJSONObject: json)
        #expect {
            try Dataset.decode(data, source: "bad.json")
        } throws: { error in
            let text = "\(error)"
            return text.contains("/cdr_generation/calls_per_day") && text.contains("/cdr_generation/domains/nowhere.example")
                && text.contains("/cdr_generation/prefix_quirks")
        }
    }

    @Test func exportRoundTripsThroughTheLoader() throws {
        let json = try dataset.encodedJSON()
        let reloaded = try Dataset.decode(json, source: "export.json")
        let same = reloaded == dataset
        #expect(same, "export then load must give back the same dataset")
    }

    @Test func minimalDatasetGetsFusionPBXDefaults() throws {
        let json = """
            {"format": "fakepbx-dataset/1",
             "domains": [{"domain_name": "t1.example.com"}],
             "extensions": [{"domain_name": "t1.example.com", "extension": "100"}]}
            """
        let loaded = try Dataset.decode(Data(json.utf8), source: "min.json")
        let ext = try #require(loaded.extensions.first)
        #expect(ext.password.count == 20)
        #expect(ext.callTimeout == 30 && ext.limitMax == 5 && ext.enabled)
        #expect(UUIDv4.isValid(ext.uuid))
        let again = try Dataset.decode(Data(json.utf8), source: "min.json")
        #expect(again.extensions.first?.uuid == ext.uuid, "derived UUIDs are stable across loads")
    }

    @Test(arguments: [
        (
            #"{"format": "fakepbx-dataset/1", "domains": [{"domain_name": "t1.example.com", "timezone": "UTC"}]}"#,
            "bad.json#/domains/0/timezone: unknown field 'timezone'; expected one of: domain_description, domain_enabled, domain_name, domain_uuid, numbering_plan, time_zone"
        ),
        (
            #"{"format": "fakepbx-dataset/1", "domains": [{"domain_enabled": true}]}"#,
            "bad.json#/domains/0/domain_name: required field 'domain_name' is missing"
        ),
        (
            #"{"format": "fakepbx-dataset/1", "domains": [{"domain_name": "t1.example.com", "domain_enabled": "yes"}]}"#,
            "bad.json#/domains/0/domain_enabled: expected true or false"
        ),
        (
            #"{"format": "fakepbx-dataset/1", "extensions": [{"domain_name": "t1.example.com", "extension": "100"}]}"#,
            "bad.json#/extensions/0/domain_name: no domain named 't1.example.com'; add it to /domains or correct the name"
        ),
        (
            #"{"format": "fakepbx-dataset/1", "domains": [{"domain_name": "t1.example.com", "time_zone": "Mars/Olympus"}]}"#,
            "bad.json#/domains/0/time_zone: expected an IANA time zone such as America/Toronto or Australia/Sydney"
        ),
        (
            #"{"format": "fakepbx-dataset/9"}"#,
            #"bad.json#/format: unsupported format 'fakepbx-dataset/9'; this fakepbx reads "fakepbx-dataset/1""#
        ),
        (
            #"{"format": "fakepbx-dataset/1", "domains": [{"domain_name": "t1.example.com"}], "gateways": [{"gateway": "gw", "proxy": "sip.example.com"}], "outbound_routes": [{"domain_name": "t1.example.com", "dialplan_name": "x", "dialplan_expression": "^(\\d+$", "gateway_uuid": "550e8400-e29b-41d4-a716-446655440000"}]}"#,
            "bad.json#/outbound_routes/0/gateway_uuid: no gateway with UUID 550e8400-e29b-41d4-a716-446655440000; use a gateway_uuid from /gateways"
        ),
        // A hostile interval would overflow the expiry arithmetic of every write and registration check.
        (
            #"{"format": "fakepbx-dataset/1", "domains": [{"domain_name": "t1.example.com"}], "extensions": [{"domain_name": "t1.example.com", "extension": "100"}], "registrations": [{"domain_name": "t1.example.com", "extension": "100", "network_ip": "192.0.2.1", "expires_seconds": 9223372036854775807}]}"#,
            "bad.json#/registrations/0/expires_seconds: expected a whole number from 1 to 86400"
        ),
    ])
    func badDatasetsNameTheField(_ json: String, _ expected: String) {
        #expect {
            try Dataset.decode(Data(json.utf8), source: "bad.json")
        } throws: { error in
            let text = "\(error)"
            return text.contains(expected) && text.hasPrefix("dataset bad.json was refused:")
        }
    }

    @Test func invalidJSONIsReported() {
        #expect {
            try Dataset.decode(Data("{\"format\": ".utf8), source: "broken.json")
        } throws: { error in
            "\(error)".contains("broken.json#: not valid JSON")
        }
    }

    @Test func duplicateKeysAreRefusedWithLineAndColumn() {
        let json = "{\"format\": \"fakepbx-dataset/1\",\n \"domains\": [],\n \"domains\": [{\"domain_name\": \"a.example.com\"}]}"
        #expect {
            try Dataset.decode(Data(json.utf8), source: "dup.json")
        } throws: { error in
            "\(error)".contains(#"dup.json#: not valid JSON: line 3, column 2: duplicate key "domains""#)
        }
    }

    @Test func servesADatasetFile() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("tenants.json")
            let json = """
                {"format": "fakepbx-dataset/1",
                 "domains": [{"domain_name": "solo.example.com"}],
                 "extensions": [{"domain_name": "solo.example.com", "extension": "100"}, {"domain_name": "solo.example.com", "extension": "101"}],
                 "registrations": [{"domain_name": "solo.example.com", "extension": "101", "network_ip": "203.0.113.7", "network_port": 5070, "agent": "Zoiper v2.10"}]}
                """
            try json.write(to: file, atomically: true, encoding: .utf8)
            try await withFakePBX({ $0.dataFile = file.path }) { server in
                let status = try await server.json("/app/status/index.php")
                #expect(status["total_extensions"] as? Int == 2)
                #expect(status["registered_extensions"] as? Int == 1)
                #expect(status["active_calls"] as? Int == 0)
                let registration = try await server.json(
                    "/app/registrations/check_registration.php", ["extension": "101", "tenant_domain": "solo.example.com"])
                #expect(registration["register_port"] as? String == "5070")
                #expect(registration["register_useragent"] as? String == "Zoiper v2.10")
            }
        }
    }
}

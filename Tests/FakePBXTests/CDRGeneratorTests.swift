import FakePBX
import Foundation
import NIOCore
import TestSupport
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The seeded CDR generator: determinism, FusionPBX's invariants, numbering plans and volumes.
@Suite("CDR generation")
struct CDRGeneratorTests {
    static let dataset = Dataset.defaultDataset
    static let settings = Dataset.defaultDataset.cdrGeneration!

    static func job(
        count: Int? = 2000, seed: String = "s1", from: String = "2026-11-02", to: String = "2026-11-08",
        legs: LegSelection = .all, format: CDRExport.Format = .json, settings: CDRGeneration = settings
    ) -> CDRGenerateJob {
        var settings = settings
        settings.seed = seed
        return CDRGenerateJob(dataset: dataset, settings: settings, from: from, to: to, count: count, legs: legs, format: format)
    }

    static func bytes(_ job: CDRGenerateJob) throws -> [UInt8] {
        var (export, _) = try job.export()
        var out: [UInt8] = []
        while let chunk = export.nextChunk() { out += chunk }
        return out
    }

    /// Every record of `job`, built (no rendering).
    static func records(_ job: CDRGenerateJob) -> [CallDetailRecord] {
        var settings = job.settings
        settings.seed = job.settings.seed
        let first = Int(ISO8601DateFormatter().date(from: job.from + "T00:00:00Z")!.timeIntervalSince1970) / 86_400
        let last = Int(ISO8601DateFormatter().date(from: job.to + "T00:00:00Z")!.timeIntervalSince1970) / 86_400
        let generator = CDRGenerator(dataset: dataset, settings: settings, from: first, to: last, count: job.count, domain: job.domain)
        return Array(CDRSelection(dataset: dataset, filter: CDRFilter(legs: job.legs), generator: generator).records())
    }

    @Test(arguments: CDRExport.Format.allCases)
    func theSameSeedGivesByteIdenticalOutput(format: CDRExport.Format) async throws {
        let (first, second, other) = try await offThePool {
            (try Self.bytes(Self.job(format: format)), try Self.bytes(Self.job(format: format)), try Self.bytes(Self.job(seed: "s2", format: format)))
        }
        #expect(first.count > 100_000)
        #expect(first == second, "same seed, same options: the same bytes")
        #expect(other != first, "another seed gives other calls")
    }

    @Test func streamingOnEveryCoreGivesTheSameBytesAsOnePieceAtATime() async throws {
        let job = Self.job(count: 6000)
        var (export, _) = try job.export()
        var streamed: [UInt8] = []
        try await export.stream { streamed += Array($0.readableBytesView) }
        let whole = try await offThePool { try Self.bytes(job) }
        #expect(streamed == whole)
        let bytes = streamed
        let (records, total) = try await offThePool { () throws -> (Int?, Int?) in
            let document = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
            return ((document?["records"] as? [Any])?.count, document?["total_records"] as? Int)
        }
        #expect(records != nil && records == total)
    }

    @Test func countIsExactAndAlegsAreUnchangedByAskingForBLegs() async throws {
        let aLegs = try await offThePool { Self.records(Self.job(count: 1234, legs: .a)) }
        #expect(aLegs.count == 1234)
        #expect(aLegs.allSatisfy { $0.leg == "a" })
        let all = Self.records(Self.job(count: 1234, legs: .all))
        #expect(all.filter { $0.leg == "a" } == aLegs, "an a-leg is the same whether or not its b-legs are asked for")
        let (_, total) = try Self.job(count: 1234, legs: .all).export()
        #expect(total == all.count, "the announced total is the number of records written")
    }

    @Test func invariantsHoldOverOneHundredThousandRecords() async throws {
        let records = try await offThePool { Self.records(Self.job(count: 60_000, from: "2026-09-01", to: "2026-10-31")) }
        #expect(records.count >= 100_000)
        var byUUID: [String: CallDetailRecord] = [:]
        for record in records { byUUID[record.uuid] = record }
        #expect(byUUID.count == records.count, "UUIDs are unique")
        var causes: [String: Int] = [:]
        var directions: [String: Int] = [:]
        var aLegs = 0
        var answered = 0
        var withMilliseconds = 0
        for r in records {
            #expect((r.billsec > 0) == (r.answerEpoch > 0), "billsec > 0 exactly when answered: \(r.uuid)")
            #expect((r.status == "answered") == (r.billsec > 0))
            #expect(r.answerEpoch == 0 || (r.startEpoch <= r.answerEpoch && r.answerEpoch <= r.endEpoch))
            #expect(r.endEpoch >= r.startEpoch)
            #expect(HangupCause.q850[r.hangupCause] != nil)
            #expect(r.billMilliseconds / 1000 == r.billsec, "billsec is billmsec truncated: \(r.uuid)")
            if r.billsec > 0 && r.billMilliseconds % 1000 != 0 { withMilliseconds += 1 }
            if r.billsec > 0 { answered += 1 }
            #expect(["PCMU", "PCMA", "G722", "opus"].contains(r.readCodec))
            #expect((200...3000).contains(r.pddMilliseconds) || r.direction != "outbound" || r.leg == "b")
            if r.answerEpoch > 0 { #expect((1.0...5.0).contains(r.mos ?? 0)) } else { #expect(r.mos == nil) }
            #expect(!r.callerIDNumber.contains("+"), "FusionPBX strips + from caller IDs")
            if r.leg == "a" {
                aLegs += 1
                causes[r.hangupCause, default: 0] += 1
                directions[r.direction, default: 0] += 1
                if !r.bridgeUUID.isEmpty {
                    let b = try #require(byUUID[r.bridgeUUID], "bridge_uuid names a b-leg in the set")
                    #expect(b.leg == "b" && b.originatingLegUUID == r.uuid && b.answerEpoch > 0)
                }
                #expect(r.bridgeUUID.isEmpty == (r.answerEpoch == 0), "answered a-legs are bridged")
            } else {
                let a = try #require(byUUID[r.originatingLegUUID], "originating_leg_uuid names the a-leg")
                #expect(a.leg == "a" && a.direction == r.direction)
                #expect(!r.missedCall, "b-legs are never missed calls")
                #expect(r.hangupCause != "LOSE_RACE" || a.answerEpoch > 0, "a ring-group leg loses only to one that answered")
            }
        }
        func share(_ count: Int?) -> Double { Double(count ?? 0) / Double(aLegs) }
        #expect((0.40...0.50).contains(share(directions["outbound"])), "about 45 % outbound")
        #expect((0.30...0.40).contains(share(directions["inbound"])), "about 35 % inbound")
        #expect((0.15...0.25).contains(share(directions["local"])), "about 20 % local")
        #expect((0.65...0.75).contains(share(causes["NORMAL_CLEARING"])), "NORMAL_CLEARING 65-75 %")
        #expect((0.10...0.16).contains(share(causes["ORIGINATOR_CANCEL"])), "ORIGINATOR_CANCEL 10-15 %")
        #expect((0.04...0.08).contains(share(causes["NO_ANSWER"])), "NO_ANSWER about 5 %")
        #expect(records.contains { $0.hangupCause == "LOSE_RACE" }, "ring groups leave LOSE_RACE b-legs")
        // FreeSWITCH keeps the milliseconds in billmsec (`app/xml_cdr/resources/classes/xml_cdr.php`): whole seconds would
        // make a client that rounds billmsec up and one that bills billsec indistinguishable.
        #expect(Double(withMilliseconds) > Double(answered) * 0.95, "\(withMilliseconds) of \(answered) answered legs have milliseconds")
    }

    @Test func callsFallInBusinessHoursOnTheRequestedDaysInEachDomainsTimeZone() async throws {
        let records = try await offThePool { Self.records(Self.job(count: 20_000, from: "2026-11-02", to: "2026-11-08", legs: .a)) }
        let zones = Dictionary(uniqueKeysWithValues: Self.dataset.domains.map { ($0.name, TimeZone(identifier: $0.timeZone)!) })
        var weekday = 0
        var weekend = 0
        for r in records {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zones[r.domainName]!
            let parts = calendar.dateComponents([.day, .month, .hour, .weekday], from: Date(timeIntervalSince1970: Double(r.startEpoch)))
            #expect(parts.month == 11 && (2...8).contains(parts.day ?? 0), "local day inside the inclusive range")
            #expect((7..<20).contains(parts.hour ?? -1), "business hours in \(r.domainName)'s own time zone")
            if parts.weekday == 1 || parts.weekday == 7 { weekend += 1 } else { weekday += 1 }
        }
        #expect(weekend * 10 < weekday, "weekends are quiet")
        #expect(zip(records, records.dropFirst()).allSatisfy { $0.startEpoch <= $1.startEpoch }, "oldest first")
    }

    @Test func numberingPlansSpecialNumbersAndQuirks() async throws {
        var settings = Self.settings
        settings.prefixQuirks = 0
        settings.specialShare = 0.3
        settings.internationalShare = 0.2
        let cleanSettings = settings
        let clean = try await offThePool { Self.records(Self.job(count: 8000, legs: .a, settings: cleanSettings)) }.filter {
            $0.direction == "outbound"
        }
        let au = clean.filter { $0.domainName.hasSuffix(".au") }.map(\.destinationNumber)
        #expect(au.contains { $0.hasPrefix("1300") } && au.contains { $0.hasPrefix("1800") })
        #expect(au.contains { $0.count == 6 && $0.hasPrefix("13") }, "13xxxx numbers")
        #expect(au.contains { $0.hasPrefix("0011") }, "international from Australia")
        #expect(au.filter { !$0.hasPrefix("1") && !$0.hasPrefix("0011") && $0 != "000" }.allSatisfy { $0.hasPrefix("0") && $0.count == 10 })
        let nanp = clean.filter { $0.domainName == "northwind.pbx.example.com" }.map(\.destinationNumber)
        #expect(nanp.filter { !$0.hasPrefix("011") && $0 != "911" }.allSatisfy { $0.count == 11 && $0.hasPrefix("1") }, "canonical NANP")
        let uk = clean.filter { $0.domainName.hasSuffix(".uk") }.map(\.destinationNumber)
        #expect(uk.contains { $0.hasPrefix("0800") || $0.hasPrefix("0845") || $0.hasPrefix("0300") })
        #expect(uk.contains { $0.hasPrefix("00") }, "international from the UK")
        let share = Double(clean.filter { $0.destinationNumber.hasPrefix("011") || $0.destinationNumber.hasPrefix("00") }.count) / Double(clean.count)
        #expect((0.15...0.25).contains(share), "international share as set")

        settings.prefixQuirks = 1
        let quirkySettings = settings
        let quirky = try await offThePool { Self.records(Self.job(count: 4000, legs: .a, settings: quirkySettings)) }
            .filter { $0.direction == "outbound" && $0.domainName == "northwind.pbx.example.com" }.map(\.destinationNumber)
        #expect(quirky.contains { $0.hasPrefix("+1") }, "E.164 with +")
        #expect(quirky.contains { $0.count == 10 && !$0.hasPrefix("1") }, "no country code")
        #expect(quirky.contains { $0.hasPrefix("91") && $0.count == 12 }, "an outside-line 9 before the number")
    }

    /// cdr generate writes the CSV of FusionPBX 5.4 (the default release): §9's 34 columns, newest
    /// first, every value in double quotes.
    @Test func csvColumnsMatchFusionPBXsExport() throws {
        let columns = try FusionPBXFacts.csvColumns54()
        #expect(columns.count == 34)
        #expect(PBXVersion.default.model.csvColumns.map(\.rawValue) == columns)

        let csv = String(decoding: try Self.bytes(Self.job(count: 300, format: .csv)), as: UTF8.self)
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == Substring(columns.map { "\"\($0)\"" }.joined(separator: ",")))
        #expect(lines.last == "", "every row ends with \\n")
        var previous = Int.max
        for line in lines.dropFirst().dropLast() {
            let cells = line.dropFirst().dropLast().components(separatedBy: "\",\"")
            #expect(line.hasPrefix("\"") && line.hasSuffix("\"") && cells.count == columns.count, "every value in double quotes")
            let start = try #require(Int(cells[columns.firstIndex(of: "start_epoch")!]))
            #expect(start <= previous, "newest first: order by start_stamp desc")
            previous = start
        }
    }

    @Test func badOptionsAreNamed() {
        #expect { try Self.job(from: "2026-13-01").export() } throws: { "\($0)".contains("--from") }
        #expect { try Self.job(from: "2026-11-09", to: "2026-11-08").export() } throws: {
            "\($0)".contains("--to 2026-11-08 is before --from 2026-11-09")
        }
        var settings = Self.settings
        settings.specialShare = 1.5
        #expect { try Self.job(settings: settings).export() } throws: { "\($0)".contains("--special-share") }
    }
}

@Suite("CDR rows")
struct CDRRowTests {
    /// Names and numbers from a user's dataset may hold anything: rows stay valid JSON and XML.
    @Test func awkwardTextIsEscapedInJSONAndXML() throws {
        var dataset = Dataset.defaultDataset
        let awkward = [
            "plain", "quote \" inside", "back\\slash", "tab\there", "long text without anything odd in it at all",
            "seven!!", "eight!!!", "\u{1}", "<xml & 'apos'>", "ünïcödé \"x\"",
        ]
        for (i, name) in awkward.enumerated() {
            var record = CallDetailRecord(
                uuid: UUIDv4.derived(from: "awkward-\(i)"), domainName: "yourdomain.com", extensionNumber: "1001", direction: "inbound",
                callerIDName: name, callerIDNumber: "15195550100", callerDestination: "5192229000", destinationNumber: "5192229000",
                startEpoch: 1_793_000_000 + i, answerEpoch: 1_793_000_005 + i, endEpoch: 1_793_000_065 + i, hangupCause: "NORMAL_CLEARING"
            )
            record.mos = 4.25
            dataset.cdrs.append(record)
        }
        dataset.cdrGeneration = nil
        for format in [CDRExport.Format.json, .xml] {
            let selection = CDRSelection(dataset: dataset, filter: CDRFilter(legs: .all), generator: nil)
            var export = CDRExport(format: format, selection: selection, total: selection.count(), dateRange: "2026-10-26 to 2026-10-27")
            var bytes: [UInt8] = []
            while let chunk = export.nextChunk() { bytes += chunk }
            if format == .json {
                let document = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
                let names = (document["records"] as? [[String: Any]] ?? []).compactMap { $0["caller_id_name"] as? String }
                #expect(names == awkward)
                #expect((document["records"] as? [[String: Any]])?.first?["rtp_audio_in_mos"] as? Double == 4.25)
            } else {
                #expect(XMLParser(data: Data(bytes)).parse(), "well-formed XML")
            }
        }
    }
}

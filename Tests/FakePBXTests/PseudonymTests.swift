import ContractKit
import FakePBX
import Foundation
import JSONSchema
import TestSupport
import Testing

/// `record --pseudonymize`: every number hidden, and every number still rated as it was.
@Suite("Pseudonyms that bill the same")
struct PseudonymTests {
    /// How a rating table sees a number dialled or delivered in a tenant's numbering plan: the
    /// classes of the CDR generator's numbers (NumberingPlan+Numbers.swift), read from their forms.
    enum RatingClass: String {
        case special, tollFree, international, mobile, national
    }

    static func rating(_ number: String, plan: Domain.NumberingPlan) -> RatingClass {
        var digits = Substring(number)
        let e164 = digits.hasPrefix("+")
        if e164 { digits = digits.dropFirst() }
        let (countryCode, exit, access, mobile): (String, String, String, String) =
            switch plan {
            case .nanp: ("1", "011", "9", "")
            case .au: ("61", "0011", "0", "4")
            case .uk: ("44", "00", "9", "7")
            }
        if !e164, digits.hasPrefix(access + exit) || digits.hasPrefix(exit) { return .international }
        var nsn: Substring
        if e164 || (!digits.hasPrefix("0") && digits.hasPrefix(countryCode) && digits.count > 10) {
            // E.164, or a carrier's country code and national number.
            guard digits.hasPrefix(countryCode) else { return .international }
            nsn = digits.dropFirst(countryCode.count)
        } else {
            if digits.hasPrefix(access + (plan == .nanp ? "1" : "0")), digits.count == (plan == .nanp ? 12 : plan == .au ? 11 : 12) {
                digits = digits.dropFirst(access.count)
            }
            nsn = plan == .nanp ? (digits.count == 11 ? digits.dropFirst() : digits) : (digits.hasPrefix("0") ? digits.dropFirst() : digits)
        }
        switch plan {
        case .nanp:
            if ["800", "833", "844", "855", "866", "877", "888"].contains(String(nsn.prefix(3))) { return .tollFree }
        case .au:
            if nsn.hasPrefix("1800") { return .tollFree }
            if nsn.hasPrefix("13") { return .special }
        case .uk:
            if nsn.hasPrefix("800") { return .tollFree }
            if nsn.hasPrefix("845") || nsn.hasPrefix("300") { return .special }
        }
        return !mobile.isEmpty && nsn.hasPrefix(mobile) ? .mobile : .national
    }

    /// The members of a CDR that hold numbers.
    static let numberMembers = ["caller_id_number", "caller_destination", "source_number", "destination_number"]

    @Test func everyNumberOfAWeekOfCDRsKeepsItsClassAndLengthAndNoneSurvives() async throws {
        var settings = Dataset.defaultDataset.cdrGeneration!
        settings.seed = "pseudonyms"
        settings.prefixQuirks = 0.4
        settings.specialShare = 0.2
        settings.internationalShare = 0.2
        let job = CDRGenerateJob(
            dataset: .defaultDataset, settings: settings, from: "2026-11-02", to: "2026-11-08", count: 3000, legs: .all, format: .json)
        let bytes = try await offThePool {
            var (export, _) = try job.export()
            var out: [UInt8] = []
            while let chunk = export.nextChunk() { out += chunk }
            return out
        }
        let document = try JSONParser.parse(bytes)
        let exchange = Exchange(
            name: "export", request: ExchangeRequest(method: "POST", path: "/app/xml_cdr/export_cdr.php"),
            response: ExchangeResponse(status: 200, headers: ["content-type": "application/json"], body: .json(document)))
        let redacted = Redactor(pseudonymize: true).redact(exchange)
        guard case .json(let pseudonymized)? = redacted.response?.body else {
            Issue.record("the body is no longer JSON")
            return
        }
        let original = try #require(document["records"]?.arrayValue)
        let replaced = try #require(pseudonymized["records"]?.arrayValue)
        #expect(original.count == replaced.count && original.count > 3000)
        let plans = Dictionary(uniqueKeysWithValues: Dataset.defaultDataset.domains.map { ($0.name, $0.numberingPlan) })
        var checked: [RatingClass: Int] = [:]
        var numbers: Set<String> = []
        for (before, after) in zip(original, replaced) {
            let plan = try #require(before["domain_name"]?.stringValue.flatMap { plans[$0] })
            for member in Self.numberMembers {
                guard let number = before[member]?.stringValue, number.filter(\.isNumber).count >= 7 else { continue }
                let stand = try #require(after[member]?.stringValue)
                let rating = Self.rating(number, plan: plan)
                #expect(Self.rating(stand, plan: plan) == rating, "\(member) \(number) (\(rating)) became \(stand)")
                #expect(stand.count == number.count, "\(number) became \(stand)")
                #expect(stand != number, "\(number) was not replaced")
                checked[rating, default: 0] += 1
                numbers.insert(number)
            }
        }
        // Every class was seen, and no number of the export is anywhere in the pseudonymized one.
        for rating in [RatingClass.special, .tollFree, .international, .mobile, .national] {
            #expect(checked[rating, default: 0] > 20, "\(rating): \(checked)")
        }
        var runs: Set<String> = []
        var run: [UInt8] = []
        for byte in pseudonymized.serializedBytes() + [0] {
            if byte >= 0x30 && byte <= 0x39 {
                run.append(byte)
            } else {
                if run.count >= 7 { runs.insert(String(decoding: run, as: UTF8.self)) }
                run = []
            }
        }
        let survivors = numbers.map { $0.hasPrefix("+") ? String($0.dropFirst()) : $0 }.filter(runs.contains)
        #expect(survivors.isEmpty, "\(survivors.prefix(5))")
        // The epochs are still the calls' times.
        #expect(replaced.first?["start_stamp"] == original.first?["start_stamp"])
    }

    @Test func theIssuesNumbersAreHiddenAndStillRateAsBefore() {
        let redactor = Redactor(pseudonymize: true)
        func pseudonym(_ number: String) -> String {
            let exchange = Exchange(
                name: "x", request: ExchangeRequest(method: "POST", path: "/app/xml_cdr/export_cdr.php"),
                response: ExchangeResponse(status: 200, body: .text("dialled \(number) at 02:00")))
            guard case .text(let text)? = redactor.redact(exchange).response?.body else { return "" }
            return String(text.dropFirst("dialled ".count).prefix(number.count))
        }
        // An Australian international call (16 digits: left whole before), a 1300 number, an E.164 mobile.
        let international = pseudonym("0011447700900123")
        #expect(international.hasPrefix("0011447") && international != "0011447700900123" && international.count == 16, "\(international)")
        #expect(Self.rating(international, plan: .au) == .international)
        let special = pseudonym("1300654321")
        #expect(special.hasPrefix("1300") && special != "1300654321" && special.count == 10, "\(special)")
        #expect(Self.rating(special, plan: .au) == .special)
        let mobile = pseudonym("+61412345678")
        #expect(mobile.hasPrefix("+614") && mobile != "+61412345678" && mobile.count == 12, "\(mobile)")
        #expect(Self.rating(mobile, plan: .au) == .mobile)
        // The same number, the same stand-in, wherever it is.
        #expect(pseudonym("1300654321") == special)
    }
}

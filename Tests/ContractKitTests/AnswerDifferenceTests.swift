import JSONSchema
import Testing

@testable import ContractKit

/// How two answers to one request are compared, and differences grouped into findings.
@Suite("Answer differences")
struct AnswerDifferenceTests {
    static func json(_ text: String, status: Int = 200) throws -> ExchangeResponse {
        ExchangeResponse(status: status, headers: ["content-type": "application/json"], bytes: Array(text.utf8))
    }

    static func csv(_ text: String) -> ExchangeResponse {
        ExchangeResponse(status: 200, headers: ["content-type": "text/csv"], bytes: Array(text.utf8))
    }

    @Test("text flags that became booleans are one type change per field; equal values are no difference")
    func flags() throws {
        let old = try Self.json(#"{"gateways":[{"name":"a","enabled":"true"},{"name":"b","enabled":"false"}],"count":2}"#)
        let new = try Self.json(#"{"gateways":[{"name":"a","enabled":true},{"name":"b","enabled":false}],"count":2}"#)
        let differences = AnswerDifference.between(old, new)
        #expect(Set(differences) == [AnswerDifference(.typeChanged, "/gateways/*/enabled", old: "string 'true'/'false'", new: "boolean")])
        #expect(AnswerDifference.between(old, old).isEmpty)
    }

    @Test("members gone and added, null for an empty string, a number for a digit string")
    func members() throws {
        let old = try Self.json(#"{"a":1,"b":"","c":"101","gone":true}"#)
        let new = try Self.json(#"{"a":1,"b":null,"c":101,"new":"x"}"#)
        let differences = Set(AnswerDifference.between(old, new))
        #expect(differences.contains(AnswerDifference(.memberRemoved, "/gone", old: "boolean")))
        #expect(differences.contains(AnswerDifference(.memberAdded, "/new", new: "string")))
        #expect(differences.contains(AnswerDifference(.typeChanged, "/b", old: "empty string", new: "null")))
        #expect(differences.contains(AnswerDifference(.typeChanged, "/c", old: "numeric string", new: "integer")))
    }

    @Test("a CSV column renamed in place, one added at the end, line ends and quoting")
    func csvColumns() {
        let old = Self.csv("uuid,billsec,tta,domain_name\r\n1,10,3,a\r\n")
        let new = Self.csv("\"uuid\",\"billsec\",\"wait\",\"domain_name\",\"extra\"\n\"1\",\"10\",\"3\",\"a\",\"x\"\n")
        let differences = Set(AnswerDifference.between(old, new))
        #expect(differences.contains(AnswerDifference(.csvColumnRenamed, "tta", old: "tta", new: "wait")))
        #expect(differences.contains(AnswerDifference(.csvColumnAdded, "extra", new: "last column")))
        #expect(differences.contains(AnswerDifference(.csvLineEnds, "", old: "CRLF", new: "LF")))
        #expect(differences.contains(AnswerDifference(.csvQuoting, "", old: "no field quoted", new: "every field quoted")))
        #expect(!differences.contains { $0.kind == .valueChanged }, "the same values, quoted or not")
    }

    @Test("XML elements and attributes gone or new")
    func xml() {
        let old = ExchangeResponse(
            status: 200, headers: ["content-type": "text/xml"], bytes: Array(#"<?xml version="1.0"?><r><cdr uuid="1"><tta>3</tta></cdr></r>"#.utf8))
        let new = ExchangeResponse(
            status: 200, headers: ["content-type": "text/xml"], bytes: Array(#"<?xml version="1.0"?><r><cdr><wait>3</wait></cdr></r>"#.utf8))
        let differences = Set(AnswerDifference.between(old, new))
        #expect(differences.contains(AnswerDifference(.xmlElementRemoved, "/r/cdr/tta")))
        #expect(differences.contains(AnswerDifference(.xmlElementAdded, "/r/cdr/wait")))
        #expect(differences.contains(AnswerDifference(.xmlAttributeRemoved, "/r/cdr@uuid")))
    }

    @Test("one finding per cause, listing every operation and field; what does not break is said so")
    func grouping() {
        let flag = AnswerDifference(.typeChanged, "/gateways/*/enabled", old: "string 'true'/'false'", new: "boolean")
        let other = AnswerDifference(.typeChanged, "/extensions/*/enabled", old: "string 'true'/'false'", new: "boolean")
        let findings = UpgradeFinding.group([
            ("get_gateways", flag), ("get_extensions", other), ("get_gateways", flag),
            ("status", AnswerDifference(.memberAdded, "/uptime", new: "string")),
        ])
        #expect(findings.map(\.id) == ["type-changed: string 'true'/'false' -> boolean", "member-added"])
        #expect(findings[0].breaks && !findings[1].breaks)
        #expect(findings[0].places == ["get_gateways /gateways/*/enabled", "get_extensions /extensions/*/enabled"])
        #expect(findings[0].php.contains("$v == 'false' is now false for a disabled record"))
    }

    @Test("an answer one side gave and the other did not is a breaking change, not a pair left out")
    func missingAnswer() throws {
        let ok = try Self.json(#"{"status":"success"}"#)
        let old = [UpgradeCheck.Answer(key: "read-only › status", operation: "status", response: ok)]
        let (pairs, compared, _) = UpgradeCheck.differences(old, [])
        #expect(compared == 0)
        let findings = UpgradeFinding.group(pairs)
        #expect(findings.map(\.id) == ["status: 200 -> no answer"])
        #expect(findings.allSatisfy { $0.breaks })
        #expect(UpgradeFinding.group(UpgradeCheck.differences([], old).pairs).map(\.id) == ["status: no answer -> 200"])
    }
}

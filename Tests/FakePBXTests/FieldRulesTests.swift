import ContractKit
import Foundation
import JSONSchema
import TestSupport
import Testing

@testable import FakePBX

/// The server's field rules and the contracts' schemas say the same thing, value for value, so a
/// request the contracts allow is accepted and one they refuse is refused (Schemathesis checks the
/// same from outside, in .ci/run).
@Suite("Field rules and contracts agree")
struct FieldRulesTests {
    func contractValidator(_ definition: String) throws -> Validator {
        var registry = SchemaRegistry()
        registry.add(
            try SchemaRegistry.readDocument(repositoryFile("Contracts/schemas/common.json").path), uri: "https://fakepbx.invalid/common.json")
        return try Validator(
            schema: ["$ref": .string("https://fakepbx.invalid/common.json#/$defs/\(definition)")], registry: registry, formatAssertion: true)
    }

    @Test func timeZonesAreTheSameList() throws {
        let common = try SchemaRegistry.readDocument(repositoryFile("Contracts/schemas/common.json").path)
        let listed = Set(common["$defs"]?["timeZone"]?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        #expect(
            listed == FieldRules.timeZones,
            "regenerate the contracts' timeZone from this machine's tz database: only in the contracts \(listed.subtracting(FieldRules.timeZones).sorted()), only in the server \(FieldRules.timeZones.subtracting(listed).sorted())"
        )
    }

    @Test(
        arguments: [
            ("extensionNumber", FieldRules.extensionNumber, ["1001", "00", "0123456789"], ["1", "12345678901", "10a1", "١٠٠١", " 1001"]),
            ("phoneNumber", FieldRules.phoneNumber, ["911", "+14165550100", "12345678901234567890"], ["12", "+1-416", "١٢٣", ""]),
            (
                "gatewayName", FieldRules.gatewayName, ["carrier_ca", "a", "sip.provider-1"],
                ["", "has space", "é", String(repeating: "a", count: 65)]
            ),
            ("hostPort", FieldRules.host, ["sip.provider.com", "sip.provider.com:5060", "[2001:db8::1]:5061"], ["", "a b", "sip/x", "sip_x"]),
            (
                "uuid", FieldRules.uuid, ["550e8400-e29b-41d4-a716-446655440000", "00000000-0000-0000-0000-000000000000"],
                ["550e8400e29b41d4a716446655440000", "550e8400-e29b-41d4-a716-44665544000g", "５50e8400-e29b-41d4-a716-446655440000"]
            ),
            ("domainName", FieldRules.domainName, ["yourdomain.com", "a.b", "10.0.0.1", "::1"], ["localhost", "0.", "a..b", "-a.com", "a.com."]),
        ] as [(String, @Sendable (String) -> String?, [String], [String])])
    func rulesAndSchemasAgree(_ definition: String, _ rule: @Sendable (String) -> String?, _ good: [String], _ bad: [String]) throws {
        let validator = try contractValidator(definition)
        for value in good {
            #expect(rule(value) == nil, "\(definition): the server refuses '\(value)'")
            #expect(validator.isValid(.string(value)), "\(definition): the contract refuses '\(value)'")
        }
        for value in bad {
            #expect(rule(value) != nil, "\(definition): the server accepts '\(value)'")
            #expect(!validator.isValid(.string(value)), "\(definition): the contract accepts '\(value)'")
        }
    }
}

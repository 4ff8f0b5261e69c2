import ContractKit
import FakePBX
import Foundation
import JSONSchema
import TestSupport
import Testing

@Suite("Contract catalog")
struct ContractCatalogTests {
    @Test func embeddedContractsCoverEveryEndpointOfTheFake() throws {
        let catalog = try ContractCatalog.embedded()
        let contractPaths = Set(catalog.operations.flatMap(\.paths))
        let fakePaths = Set(EndpointCatalog.standard.endpoints.map(\.path))
        #expect(fakePaths.subtracting(contractPaths).isEmpty, "endpoints without a contract: \(fakePaths.subtracting(contractPaths))")
        #expect(contractPaths.isSuperset(of: ["/app/status/", "/app/status"]))
        // Every action of the action-based endpoints has its own operation.
        for path in [
            "/app/domains/manage_domain.php", "/app/extensions/manage_extension.php", "/app/gateways/manage_gateway.php",
            "/app/destinations/manage_destinations.php", "/app/dialplan_outbound/manage_outbound.php",
        ] {
            let actions = Set(catalog.operations(at: path).compactMap { $0.match["action"] })
            #expect(actions == ["list", "get", "create", "update", "delete", "enable", "disable", "version"], "\(path): \(actions)")
        }
        for operation in catalog.operations {
            #expect(["standard", "cdr", "gateway"].contains(operation.rateLimitClass))
            #expect(!catalog.statuses(of: operation).isEmpty)
        }
        #expect(catalog.operation(id: "export_cdr")?.rateLimitClass == "cdr")
        #expect(catalog.operation(id: "provision")?.writes == true)
        #expect(catalog.operation(id: "chkcon")?.provenance == .documented)
        #expect(catalog.operation(id: "manage_domain.create")?.provenance == .inferred)
    }

    /// Each endpoint declares its rate class, methods and provenance once; the contracts say the same
    /// of every operation at its path.
    @Test func theCatalogAgreesWithEachEndpointsDeclaration() throws {
        let catalog = try ContractCatalog.embedded()
        for endpoint in EndpointCatalog.standard.endpoints {
            let operations = catalog.operations(at: endpoint.path)
            #expect(!operations.isEmpty, "\(endpoint.path)")
            for operation in operations {
                #expect(operation.rateLimitClass == endpoint.rateClass.rawValue, "\(operation.id): rate class")
                #expect(Set(operation.methods) == Set(endpoint.methods.map { "\($0)" }), "\(operation.id): methods")
                #expect(operation.provenance.rawValue == endpoint.provenance.rawValue, "\(operation.id): provenance")
            }
        }
    }

    @Test func documentedExamplesValidate() throws {
        let catalog = try ContractCatalog.embedded()
        let path = repositoryFile("Recordings/ictvoip-docs.json").path
        let cassette = try Cassette.load(contentsOf: path)
        let report = catalog.check(cassettes: [(path, cassette)])
        #expect(report.exitCode == 0, "\(report.consoleSummary())")
        #expect(report.summary.passed >= 30)
        // Every documented operation has at least one documented example.
        let exemplified = Set(cassette.exchanges.compactMap { catalog.operation(for: $0.request)?.id })
        for operation in catalog.operations where operation.provenance == .documented {
            #expect(exemplified.contains(operation.id), "\(operation.id) has no example in ictvoip-docs.json")
        }
    }

    @Test func aBrokenContractsFolderIsNamedWithItsPointer() async throws {
        try await withTemporaryDirectory { dir in
            let copy = dir.appendingPathComponent("Contracts")
            try FileManager.default.copyItem(at: repositoryFile("Contracts"), to: copy)
            let catalogFile = copy.appendingPathComponent("catalog.json")
            let original = try String(contentsOf: catalogFile, encoding: .utf8)

            try original.replacingOccurrences(of: "\"provenance\": \"documented\"", with: "\"provenance\": \"rumoured\"")
                .write(to: catalogFile, atomically: true, encoding: .utf8)
            let provenance = #expect(throws: ContractError.self) { try ContractCatalog.load(folder: copy.path) }
            #expect(
                provenance?.description.contains("catalog.json#/operations/0/provenance: provenance 'rumoured' is not valid") == true,
                "\(String(describing: provenance))")

            try original.replacingOccurrences(of: "schemas/responses/status.json#", with: "schemas/responses/missing.json#")
                .write(to: catalogFile, atomically: true, encoding: .utf8)
            let missing = #expect(throws: ContractError.self) { try ContractCatalog.load(folder: copy.path) }
            #expect(missing?.message.contains("missing.json does not exist") == true, "\(String(describing: missing))")

            try original.write(to: catalogFile, atomically: true, encoding: .utf8)
            let schema = copy.appendingPathComponent("schemas/responses/status.json")
            try #"{"$defs": {"operational": {"type": "integr"}}}"#.write(to: schema, atomically: true, encoding: .utf8)
            let compile = #expect(throws: ContractError.self) { try ContractCatalog.load(folder: copy.path) }
            #expect(compile?.location?.hasSuffix("schemas/responses/status.json") == true, "\(String(describing: compile))")
            #expect(compile?.message.contains("type") == true)

            #expect(throws: ContractError.self) { try ContractCatalog.load(folder: dir.appendingPathComponent("nowhere").path) }
        }
    }

    /// A recorded answer without Content-Type is still checked as JSON when its body parses as JSON.
    @Test func anAnswerWithoutContentTypeIsCheckedAsJSONAndSaysSo() throws {
        let catalog = try ContractCatalog.embedded()
        let request = ExchangeRequest(
            method: "POST", path: "/app/status/index.php", headers: ["Content-Type": "application/x-www-form-urlencoded"],
            form: ["username": "admin", "password": "s3cret"]
        )
        let wrongTypes = ExchangeResponse(
            status: 200, headers: [:], bytes: Array(#"{"status": "success", "message": "ok", "active_calls": "five"}"#.utf8))
        let verdict = catalog.check(Exchange(name: "status", request: request, response: wrongTypes))
        #expect(verdict.headers.map(\.message) == ["the Content-Type header is missing; expected application/json"])
        #expect(verdict.body.contains { $0.pointer == "/active_calls" }, "\(verdict.body)")
        #expect(verdict.notes == ["the answer has no Content-Type; its body parses as JSON, so it was checked as application/json"])
        let checks = ContractReport.Check.checks(for: "status", verdict: verdict, answered: true)
        #expect(checks.last?.notes == verdict.notes)
        // Text that is not JSON is not guessed at.
        let text = ExchangeResponse(status: 200, headers: [:], bytes: Array("<html>".utf8))
        #expect(catalog.check(Exchange(name: "status", request: request, response: text)).notes.isEmpty)
    }

    @Test func requestChecksNameTheFieldTheRuleAndTheValue() throws {
        let catalog = try ContractCatalog.embedded()
        let good = ExchangeRequest(
            method: "POST", path: "/app/registrations/check_registration.php",
            headers: ["Content-Type": "application/x-www-form-urlencoded"],
            form: ["username": "admin", "password": "s3cret", "extension": "1001", "tenant_domain": "yourdomain.com"]
        )
        #expect(catalog.checkRequest(good).violations.isEmpty)
        #expect(catalog.checkRequest(good).operation?.id == "check_registration")

        var bad = good
        bad.form["tenant_domain"] = nil
        bad.form["colour"] = "blue"
        bad.form["extension"] = "x1"
        let violations = catalog.checkRequest(bad).violations
        #expect(violations.contains { $0.pointer == "/colour" && $0.rule.hasSuffix("unevaluatedProperties") && $0.value == "\"blue\"" })
        #expect(violations.contains { $0.pointer == "/extension" && $0.rule == "schemas/common.json#/$defs/extensionNumber/pattern" })
        let missing = try #require(violations.first { $0.pointer == "" })
        #expect(missing.message.contains("required property \"tenant_domain\" missing"))
        #expect(missing.rule == "schemas/common.json#/$defs/requiredDomain/anyOf")
        // The whole form is shown for a missing field, with the password redacted.
        #expect(missing.value?.contains("s3cret") == false)
        #expect(missing.value?.contains("[redacted]") == true)

        var noType = good
        noType.headers = [:]
        #expect(catalog.checkRequest(noType).violations.map(\.pointer) == ["Content-Type"])

        let unknownAction = ExchangeRequest(method: "POST", path: "/app/domains/manage_domain.php", form: ["action": "explode"])
        let actionCheck = catalog.checkRequest(unknownAction)
        #expect(actionCheck.operation == nil)
        #expect(actionCheck.violations.contains { $0.pointer == "/action" && $0.rule.hasSuffix("/enum") })

        let wrongMethod = catalog.checkRequest(
            ExchangeRequest(method: "GET", path: "/app/xml_cdr/export_cdr.php", query: "date_start=2026-01-01&date_end=2026-01-02"))
        #expect(wrongMethod.violations.contains { $0.subject == .operation && $0.message.contains("use POST") })
        #expect(catalog.checkRequest(ExchangeRequest(method: "GET", path: "/app/nope.php")).violations.first?.subject == .operation)
    }

    @Test func responseChecksCoverStatusMediaTypeAndBody() throws {
        let catalog = try ContractCatalog.embedded()
        let status = try #require(catalog.operation(id: "status"))
        func check(_ status_: Int, _ type: String, _ body: String) -> (
            status: [ContractViolation], headers: [ContractViolation], body: [ContractViolation]
        ) {
            catalog.checkResponse(ExchangeResponse(status: status_, headers: ["Content-Type": type], bytes: Array(body.utf8)), operation: status)
        }
        let good =
            #"{"status":"success","message":"System operational","timestamp":"2024-01-15T10:30:00Z","version":"5.3.8","uptime":"7 days, 3 hours","active_calls":5,"total_extensions":150,"registered_extensions":142}"#
        let ok = check(200, "application/json; charset=utf-8", good)
        #expect(ok.status.isEmpty && ok.headers.isEmpty && ok.body.isEmpty)

        let wrongType = check(200, "application/json", good.replacingOccurrences(of: #""active_calls":5"#, with: #""active_calls":"5""#))
        #expect(wrongType.body.map(\.pointer) == ["/active_calls"])
        #expect(wrongType.body.first?.rule == "schemas/common.json#/$defs/count/type")
        #expect(wrongType.body.first?.value == "\"5\"")

        let missingField = check(200, "application/json", good.replacingOccurrences(of: #","registered_extensions":142"#, with: ""))
        #expect(missingField.body.first?.message.contains("registered_extensions") == true)

        #expect(check(201, "application/json", good).status.first?.message.contains("status 201 is not part of status's contract") == true)
        #expect(check(200, "text/html", "<html>login</html>").headers.first?.pointer == "Content-Type")
        #expect(
            check(
                401, "application/json",
                #"{"status":"error","message":"Authentication Failed: Invalid credentials","timestamp":"2026-11-23T12:00:00Z"}"#
            ).body.isEmpty)
        #expect(!check(401, "application/json", #"{"status":"failed"}"#).body.isEmpty)
        #expect(check(200, "application/json", "{not json").body.first?.message.contains("not JSON") == true)

        // The documented X-RateLimit-* headers are checked when they are there.
        let limited = catalog.checkResponse(
            ExchangeResponse(
                status: 200, headers: ["Content-Type": "application/json", "X-RateLimit-Limit": "100", "X-RateLimit-Reset": "soon"],
                bytes: Array(good.utf8)),
            operation: status
        )
        #expect(limited.headers.map(\.pointer) == ["X-RateLimit-Reset"])
        #expect(limited.headers.first?.rule == "responseHeaders/X-RateLimit-Reset")
        #expect(limited.headers.first?.value == "soon")
    }
}

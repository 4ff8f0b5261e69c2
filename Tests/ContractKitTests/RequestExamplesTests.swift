import ContractKit
import FakePBX
import Foundation
import JSONSchema
import TestSupport
import Testing

/// Every operation's request examples (in the contracts, and so in the OpenAPI document that
/// Schemathesis and Prism read) meet the contract and reach the operation's success answer on the
/// embedded dataset: fuzzing starts from a request that works. The operations of one script run in
/// catalog order on one server, so a delete finds what the create example made.
@Suite("Request examples")
struct RequestExamplesTests {
    @Test func everyOperationHasAnExampleThatMeetsItsContractAndSucceeds() async throws {
        let catalog = try ContractCatalog.embedded()
        var withoutExamples: [String] = []
        let paths = catalog.operations.map(\.path).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for path in paths {
            try await withFakePBX { server in
                for operation in catalog.operations where operation.path == path {
                    let examples = try catalog.requestExamples(of: operation)
                    // chkcon and status need no fields: any request is their example.
                    if examples.isEmpty && !operation.allows(method: "GET") { withoutExamples.append(operation.id) }
                    for example in examples {
                        try await check(example, of: operation, in: catalog, on: server)
                    }
                }
            }
        }
        #expect(withoutExamples.isEmpty, "operations without a request example: \(withoutExamples)")
    }

    private func check(_ example: JSONObject, of operation: ContractOperation, in catalog: ContractCatalog, on server: TestServer) async throws {
        let fields = Dictionary(uniqueKeysWithValues: example.map { ($0.key, $0.value.stringValue ?? "") })
        let request = ExchangeRequest(
            method: "POST", path: operation.path, headers: ["Content-Type": "application/x-www-form-urlencoded"],
            form: fields.merging(["username": "admin", "password": "your-password"]) { $1 }
        )
        let verdict = catalog.checkRequest(request)
        #expect(verdict.operation?.id == operation.id, "\(operation.id): the example is taken for \(verdict.operation?.id ?? "no operation")")
        #expect(verdict.violations.isEmpty, "\(operation.id): \(verdict.violations.map(\.description))")
        let answer = try await server.post(operation.path, fields)
        #expect((200..<300).contains(answer.status), "\(operation.id): \(answer.status) \(answer.text.prefix(300))")
    }
}

import ContractKit
import Testing

/// A client's request checked offline (a recording, a HAR) breaks its contract when PHP would not
/// read its body: the real scripts see no fields in a JSON body, so `contract check` must not say it holds.
@Suite struct RequestContentTypeTests {
    @Test func aJSONBodyBreaksTheRequestContractAFormDoesNot() throws {
        let catalog = try ContractCatalog.embedded()
        let fields = ["username": "admin", "password": "your-password"]
        let json = ExchangeRequest(
            method: "POST", path: "/app/status/index.php", headers: ["Content-Type": "application/json"], form: fields)
        let violations = catalog.checkRequest(json).violations
        #expect(violations.contains { $0.subject == .request && $0.message.contains("PHP's $_POST") }, "\(violations)")
        let form = ExchangeRequest(
            method: "POST", path: "/app/status/index.php", headers: ["Content-Type": "application/x-www-form-urlencoded"], form: fields)
        #expect(catalog.checkRequest(form).violations.isEmpty)
    }
}

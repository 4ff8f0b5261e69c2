import FakePBX
import TestSupport
import Testing

/// Every endpoint in the catalog, over the wire: the access errors in their order, and a success.
@Suite("Every endpoint")
struct EveryEndpointTests {
    /// Minimal parameters that make each endpoint succeed on the default dataset, and what is missing without them.
    static let cases: [(path: String, success: [String: String], missing: String?)] = [
        ("/app/xml_cdr/chkcon.php", [:], nil),
        ("/app/status/index.php", [:], nil),
        ("/app/registrations/check_registration.php", ["extension": "1001", "tenant_domain": "yourdomain.com"], "extension, tenant_domain"),
        ("/app/gateways/provision.php", ["gateway_name": "carrier_ca", "domain_name": "yourdomain.com"], "gateway_name"),
        ("/app/gateways/provision_list.php", [:], nil),
        ("/app/gateways/manage_gateway.php", ["action": "list"], "action"),
        ("/app/domains/manage_domain.php", ["action": "list"], "action"),
        ("/app/extensions/manage_extension.php", ["action": "list"], "action"),
        ("/app/destinations/manage_destinations.php", ["action": "list"], "action"),
        ("/app/dialplan_outbound/manage_outbound.php", ["action": "list"], "action"),
        ("/app/access_controls/manage_access_control.php", ["action": "versions"], "action"),
        ("/app/xml_cdr/export_cdr.php", ["date_start": "2026-11-16", "date_end": "2026-11-22"], "date_start, date_end"),
        ("/app/xml_cdr/check_cdrs.php", ["date_start": "2026-11-16", "date_end": "2026-11-22"], "date_start, date_end"),
        ("/app/xml_cdr/get_cdr_data.php", ["date_start": "2026-11-16", "date_end": "2026-11-22"], "date_start, date_end"),
    ]

    @Test func theCasesCoverTheWholeCatalog() {
        #expect(Set(Self.cases.map(\.path)) == Set(EndpointCatalog.standard.endpoints.map(\.path)))
    }

    @Test(arguments: cases.map(\.path))
    func accessErrorsThenSuccess(_ path: String) async throws {
        let testCase = try #require(Self.cases.first { $0.path == path })
        let isChkcon = path.hasSuffix("chkcon.php")
        try await withFakePBX { server in
            let denied = try await server.post(path, testCase.success, from: "127.0.0.2")
            #expect(denied.status == 403)
            let deniedBody = try denied.json()
            #expect(deniedBody["message"] as? String == APIError.whitelistDenialMessage)
            #expect(isChkcon ? deniedBody["success"] as? Int == 0 : deniedBody["status"] as? String == "error")

            let wrongMethod = try await RawHTTPClient.request(port: server.port, method: "PUT", path: path)
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.header("Allow")?.contains("POST") == true)

            let anonymous = try await server.post(path, testCase.success, credentials: false)
            #expect(anonymous.status == 401)
            #expect((try anonymous.json()["message"] as? String)?.hasPrefix("Authentication Failed") == true)

            if let missing = testCase.missing {
                let incomplete = try await server.post(path)
                #expect(incomplete.status == 400)
                #expect(try incomplete.json()["message"] as? String == "Missing Parameters: \(missing)")
            }

            let ok = try await server.post(path, testCase.success)
            #expect(ok.status == 200, "\(path): \(ok.text.prefix(300))")
            #expect(ok.header("Content-Type") == "application/json")
            let body = try ok.json()
            #expect(isChkcon ? body["success"] as? Int == 1 : body["status"] as? String == "success")
        }
    }
}

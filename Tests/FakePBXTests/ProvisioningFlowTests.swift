import FakePBX
import Foundation
import TestSupport
import Testing

/// The provisioning flow a billing client runs, and the suspend/unsuspend round trip autosuspend does.
@Suite("Provisioning flow")
struct ProvisioningFlowTests {
    static let domains = "/app/domains/manage_domain.php"
    static let extensions = "/app/extensions/manage_extension.php"
    static let gateways = "/app/gateways/manage_gateway.php"
    static let provision = "/app/gateways/provision.php"
    static let provisionList = "/app/gateways/provision_list.php"
    static let destinations = "/app/destinations/manage_destinations.php"
    static let outbound = "/app/dialplan_outbound/manage_outbound.php"
    static let registration = "/app/registrations/check_registration.php"
    static let status = "/app/status/index.php"

    @Test func provisionTenantThenSuspendAndUnsuspend() async throws {
        try await withFakePBX { server in
            let domain = "acme.pbx.example.net"
            let created = try await server.json(Self.domains, ["action": "create", "domain_name": domain, "time_zone": "America/Toronto"])
            #expect(created["status"] as? String == "success")
            let domainUUID = try #require((created["domain"] as? [String: Any])?["domain_uuid"] as? String)
            #expect(UUIDv4.isValid(domainUUID))

            let ext = try await server.json(
                Self.extensions, ["action": "create", "extension": "2001", "domain_name": domain, "effective_caller_id_name": "Front Desk"])
            let password = try #require(ext["password"] as? String, "create returns the generated SIP password once")
            #expect(password.count == 20)
            let extRecord = try #require(ext["extension"] as? [String: Any])
            #expect(extRecord["password"] == nil)
            #expect(extRecord["domain_uuid"] as? String == domainUUID)

            let list = try await server.post(Self.extensions, ["action": "list", "domain_name": domain])
            #expect(!list.text.contains(password), "extension passwords are never returned in lists")
            let listed = try list.json()["extensions"] as? [[String: Any]]
            #expect(listed?.map { $0["extension"] as? String } == ["2001"])
            let got = try await server.post(Self.extensions, ["action": "get", "extension": "2001", "domain_name": domain])
            #expect(!got.text.contains(password))

            let gateway = try await server.json(
                Self.provision,
                [
                    "gateway_name": "acme_trunk", "gateway_domain": "sip.provider.com", "gateway_username": "acct42",
                    "gateway_password": "trunk-secret", "domain_name": domain,
                ])
            #expect(gateway["message"] as? String == "Gateway configured successfully")
            #expect(gateway["gateway_enabled"] as? String == "true")
            let gatewayUUID = try #require(gateway["gateway_uuid"] as? String)
            #expect(UUIDv4.isValid(gatewayUUID))

            let provisioned = try await server.json(Self.provisionList)["gateways"] as? [[String: Any]] ?? []
            #expect(provisioned.contains { $0["gateway_uuid"] as? String == gatewayUUID && $0["gateway_status"] as? String == "UP" })
            let managed = try await server.post(Self.gateways, ["action": "list", "domain_name": domain])
            #expect(!managed.text.contains("trunk-secret"), "gateway passwords are never returned")
            let managedGateway = try #require((try managed.json()["gateways"] as? [[String: Any]])?.first)
            #expect(managedGateway["gateway"] as? String == "acme_trunk")
            #expect(managedGateway["proxy"] as? String == "sip.provider.com")
            #expect(managedGateway["username"] as? String == "acct42")

            let did = try await server.json(
                Self.destinations,
                [
                    "action": "create", "destination_number": "14165550100", "domain_name": domain,
                    "destination_data": "2001 XML \(domain)",
                ])
            #expect((did["destination"] as? [String: Any])?["destination_context"] as? String == "public")

            // Unnamed, a route is named as dialplan_outbound_add.php names it, with its companion (§9).
            #expect(try FusionPBXFacts.bullet("Outbound routes:").contains("`call_direction-outbound.<abbrv>` at order 22"))
            let route = try await server.json(
                Self.outbound,
                [
                    "action": "create", "domain_name": domain,
                    "dialplan_expression": #"^(?:\+1|1)?([2-9]\d{2}[2-9]\d{2}\d{4})$"#, "gateway_uuid": gatewayUUID, "prefix_number": "1",
                ])
            #expect((route["outbound_route"] as? [String: Any])?["gateway_name"] as? String == "acme_trunk")
            #expect((route["outbound_route"] as? [String: Any])?["dialplan_name"] as? String == "acme_trunk.10-11-NANP")
            let routes = try await server.json(Self.outbound, ["action": "list", "domain_name": domain])["outbound_routes"] as? [[String: Any]] ?? []
            #expect(routes.map { $0["dialplan_name"] as? String } == ["call_direction-outbound.10-11-NANP", "acme_trunk.10-11-NANP"])
            #expect(routes.first?["dialplan_order"] as? Int == 22 && routes.first?["gateway_uuid"] is NSNull)

            // Auto Suspend Mode = Gateway: disable the tenant's trunk; every view shows it.
            let suspended = try await server.json(Self.gateways, ["action": "disable", "gateway_uuid": gatewayUUID])
            #expect((suspended["gateway"] as? [String: Any])?["enabled"] as? String == "false")
            let afterSuspend = try await server.json(Self.provisionList)["gateways"] as? [[String: Any]] ?? []
            let trunk = try #require(afterSuspend.first { $0["gateway_uuid"] as? String == gatewayUUID })
            #expect(trunk["gateway_enabled"] as? String == "false")
            #expect(trunk["gateway_status"] as? String == "DOWN")

            // Unsuspend through the documented provision.php.
            let unsuspended = try await server.json(Self.provision, ["gateway_name": "acme_trunk", "domain_name": domain, "gateway_enabled": "true"])
            #expect(unsuspended["gateway_uuid"] as? String == gatewayUUID, "provision.php updates the gateway it names")
            let afterUnsuspend = try await server.json(Self.gateways, ["action": "get", "gateway_uuid": gatewayUUID])
            #expect((afterUnsuspend["gateway"] as? [String: Any])?["status"] as? String == "UP")

            // Deleting a gateway a route uses, or a domain with extensions, is refused.
            let gatewayInUse = try await server.post(Self.gateways, ["action": "delete", "gateway_uuid": gatewayUUID])
            #expect(gatewayInUse.status == 409)
            #expect((try gatewayInUse.json()["message"] as? String)?.contains("used by outbound routes acme_trunk.10-11-NANP") == true)
            let domainInUse = try await server.post(Self.domains, ["action": "delete", "domain_name": domain])
            #expect(domainInUse.status == 409)
            #expect(
                try domainInUse.json()["message"] as? String
                    == "Conflict: domain '\(domain)' still has 1 extension, 1 gateway, 1 destination, 1 outbound route; delete or move them first"
            )

            // Tear down in dependency order; then the domain can go.
            #expect(
                try await server.post(Self.outbound, ["action": "delete", "dialplan_name": "acme_trunk.10-11-NANP", "domain_name": domain]).status
                    == 200)
            #expect(
                try await server.json(Self.outbound, ["action": "list", "domain_name": domain])["count"] as? Int == 0,
                "the companion goes with its route")
            #expect(try await server.post(Self.gateways, ["action": "delete", "gateway_uuid": gatewayUUID]).status == 200)
            #expect(try await server.post(Self.destinations, ["action": "delete", "destination_number": "14165550100"]).status == 200)
            #expect(try await server.post(Self.extensions, ["action": "delete", "extension": "2001", "domain_name": domain]).status == 200)
            let deleted = try await server.json(Self.domains, ["action": "delete", "domain_name": domain])
            #expect(deleted["domain_uuid"] as? String == domainUUID)
            #expect(try await server.post(Self.domains, ["action": "get", "domain_name": domain]).status == 404)
        }
    }

    /// As on a real PBX (FreeSWITCH keeps a registration until it expires): disabling an extension does not flush
    /// its registration; the phone stays registered until the registration expires on the virtual
    /// clock, then its re-REGISTER fails. Enabled again, it registers again.
    @Test func extensionSuspensionShowsInRegistrationAndStatus() async throws {
        let fact = try FusionPBXFacts.bullet("Registrations:")
        #expect(fact.contains("does not flush its registration"), "\(fact)")
        try await withFakePBX { server in
            let before = try await server.json(Self.status)
            let registeredBefore = try #require(before["registered_extensions"] as? Int)
            #expect(before["total_extensions"] as? Int == 17)

            let lookup = ["extension": "1001", "tenant_domain": "yourdomain.com"]
            let registered = try await server.json(Self.registration, lookup)
            #expect(registered["registered"] as? String == "yes")
            let status = try #require(registered["register_status"] as? String)
            #expect(
                status.wholeMatch(of: #/Registered\(UDP(-NAT)?\)\(unknown\) exp\(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\) expsecs\(\d+\)/#) != nil,
                "\(status)")

            let disabled = try await server.json(Self.extensions, ["action": "disable", "extension": "1001", "domain_name": "yourdomain.com"])
            #expect((disabled["extension"] as? [String: Any])?["enabled"] as? String == "false")
            let whileSuspended = try await server.json(Self.registration, lookup)
            #expect(whileSuspended["registered"] as? String == "yes", "still registered until it expires")
            #expect(try await server.json(Self.status)["registered_extensions"] as? Int == registeredBefore)
            let left = try #require((whileSuspended["register_status"] as? String)?.firstMatch(of: #/expsecs\((\d+)\)/#).flatMap { Int($0.1) })
            #expect((1...3600).contains(left))

            // One second before expiry it is still there; at expiry it is gone.
            if left > 1 { try await Self.advanceClock(server, seconds: left - 1) }
            #expect(try await server.json(Self.registration, lookup)["registered"] as? String == "yes")
            try await Self.advanceClock(server, seconds: 1)
            let expired = try await server.json(Self.registration, lookup)
            #expect(expired["registered"] as? String == "no")
            #expect(expired["register_ip"] as? String == "")
            #expect(expired["register_status"] as? String == "")
            #expect(try await server.json(Self.status)["registered_extensions"] as? Int == registeredBefore - 1)
            // Still disabled an hour later: it never comes back by itself.
            try await Self.advanceClock(server, seconds: 3600)
            #expect(try await server.json(Self.registration, lookup)["registered"] as? String == "no")

            _ = try await server.json(Self.extensions, ["action": "enable", "extension": "1001", "domain_name": "yourdomain.com"])
            #expect(try await server.json(Self.registration, lookup)["registered"] as? String == "yes")
            #expect(try await server.json(Self.status)["registered_extensions"] as? Int == registeredBefore)
        }
    }

    static func advanceClock(_ server: TestServer, seconds: Int) async throws {
        let answer = try await RawHTTPClient.request(
            port: server.port, method: "POST", path: "/__fakepbx/clock/advance", body: #"{"seconds": \#(seconds)}"#, contentType: "application/json"
        )
        #expect(answer.status == 200, "\(answer.text)")
    }

    @Test func badInputToManageEndpoints() async throws {
        try await withFakePBX { server in
            let unknownAction = try await server.post(Self.domains, ["action": "explode"])
            #expect(unknownAction.status == 400)
            #expect(
                try unknownAction.json()["message"] as? String
                    == "Invalid Request: unknown action 'explode'; expected one of: list, get, create, update, delete, enable, disable, version"
            )
            let noAction = try await server.post(Self.extensions)
            #expect(try noAction.json()["message"] as? String == "Missing Parameters: action")

            let badDomain = try await server.post(Self.domains, ["action": "create", "domain_name": "not a domain"])
            #expect(badDomain.status == 400)
            #expect((try badDomain.json()["message"] as? String)?.contains("domain_name 'not a domain' is not valid") == true)

            let duplicate = try await server.post(Self.extensions, ["action": "create", "extension": "1001", "domain_name": "yourdomain.com"])
            #expect(duplicate.status == 409)

            let noSuchDomain = try await server.post(
                Self.extensions, ["action": "create", "extension": "1005", "domain_name": "missing.example.com"])
            #expect(noSuchDomain.status == 404)
            #expect(try noSuchDomain.json()["message"] as? String == "Not Found: no domain named 'missing.example.com'")

            let badRegex = try await server.post(
                Self.outbound,
                [
                    "action": "create", "dialplan_name": "x", "domain_name": "yourdomain.com", "dialplan_expression": "([",
                    "gateway_uuid": UUIDv4.derived(from: "gateway:carrier_ca@yourdomain.com"),
                ])
            #expect(badRegex.status == 400)

            let jsonBody = try await RawHTTPClient.request(
                port: server.port, path: Self.extensions,
                body:
                    #"{"username": "admin", "password": "your-password", "action": "create", "extension": "1005", "domain_name": "yourdomain.com", "call_timeout": 45.0}"#,
                contentType: "application/json"
            )
            #expect(jsonBody.status == 401, "PHP does not read a JSON body (RequestFormTests checks what --json-bodies reads)")

            let badFlag = try await server.post(
                Self.gateways, ["action": "update", "gateway": "carrier_ca", "domain_name": "yourdomain.com", "register": "maybe"])
            #expect(try badFlag.json()["message"] as? String == "Invalid Request: register 'maybe' is not valid: expected true or false")

            let incomplete = try await server.post(Self.provision, ["gateway_name": "brand_new"])
            #expect(incomplete.status == 404, "a name alone updates a gateway; there is none to update")
            #expect(
                try incomplete.json()["message"] as? String
                    == "Not Found: no gateway 'brand_new' to update; to create it, give gateway_domain, gateway_username, gateway_password too")

            let unknownExtension = try await server.post(Self.registration, ["extension": "9999", "tenant_domain": "yourdomain.com"])
            #expect(unknownExtension.status == 404)

            // A failed write leaves the model as it was.
            let count = try await server.json(Self.status)["total_extensions"] as? Int
            _ = try await server.post(
                Self.extensions, ["action": "create", "extension": "1005", "domain_name": "yourdomain.com", "call_timeout": "0"])
            #expect(try await server.json(Self.status)["total_extensions"] as? Int == count)
        }
    }

    @Test func flagsFollowThePBXVersion() async throws {
        try await withFakePBX({ $0.pbxVersion = PBXVersion("5.5.7")! }) { server in
            let extensions = try await server.json(Self.extensions, ["action": "list"])["extensions"] as? [[String: Any]] ?? []
            #expect(extensions.first?["enabled"] as? Bool == true, "5.5.2+ stores flags as real booleans")
            #expect(try await server.json(Self.status)["version"] as? String == "5.5.7")
            // The documented provision_list keeps its documented string form.
            let gateways = try await server.json(Self.provisionList)["gateways"] as? [[String: Any]] ?? []
            #expect(gateways.first?["gateway_enabled"] as? String == "true")
        }
        try await withFakePBX { server in
            let extensions = try await server.json(Self.extensions, ["action": "list"])["extensions"] as? [[String: Any]] ?? []
            #expect(extensions.first?["enabled"] as? String == "true", "up to 5.5.1 flags are the text 'true'/'false'")
        }
    }

    @Test func everyApplicationReportsItsVersion() async throws {
        try await withFakePBX { server in
            let extensions = try await server.json(Self.extensions, ["action": "version"])
            #expect(extensions["version"] as? String == "2.0-extensions")
            #expect(try await server.json(Self.destinations, ["action": "version"])["version"] as? String == "1.2.7-destinations")
            #expect(try await server.json(Self.outbound, ["action": "version"])["version"] as? String == "1.2.5-outbound")
            let all = try await server.json("/app/access_controls/manage_access_control.php", ["action": "versions"])
            let apps = all["apps"] as? [[String: Any]] ?? []
            #expect(apps.count == PBXApp.all.count)
            #expect(all["pbx_version"] as? String == "5.4.9")
        }
    }
}

import FakePBX
import TestSupport
import Testing

@Suite("manage_access_control.php")
struct AccessControlEndpointTests {
    static let path = "/app/access_controls/manage_access_control.php"

    @Test func listsACLsAndChecksTheWhitelistInForce() async throws {
        try await withFakePBX { server in
            let list = try await server.json(Self.path, ["action": "list"])
            let names = (list["access_controls"] as? [[String: Any]] ?? []).compactMap { $0["access_control_name"] as? String }
            // FusionPBX's stock lists since April 2023, both default deny (FusionPBX `app/access_controls`, since April 2023).
            #expect(try FusionPBXFacts.bullet("Access controls:").contains("`rfc1918` and `providers`"))
            #expect(names == ["rfc1918", "providers"])
            let rfc1918 = try await server.json(Self.path, ["action": "get", "access_control_name": "rfc1918"])
            let acl = try #require(rfc1918["access_control"] as? [String: Any])
            #expect((acl["nodes"] as? [Any])?.count == 3)
            #expect(acl["access_control_default"] as? String == "deny")

            let whitelist = try await server.json(Self.path, ["action": "whitelist"])
            #expect(whitelist["entries"] as? [String] == ["127.0.0.1", "::1"])
            #expect(try await server.json(Self.path, ["action": "check", "ip_address": "127.0.0.1"])["whitelisted"] as? Bool == true)
            #expect(try await server.json(Self.path, ["action": "check", "ip_address": "::ffff:127.0.0.1"])["whitelisted"] as? Bool == true)
            #expect(try await server.json(Self.path, ["action": "check", "ip_address": "203.0.113.9"])["whitelisted"] as? Bool == false)
            let bad = try await server.post(Self.path, ["action": "check", "ip_address": "300.1.1.1"])
            #expect(bad.status == 400)
            #expect(try await server.post(Self.path, ["action": "get", "access_control_name": "nope"]).status == 404)
        }
    }
}

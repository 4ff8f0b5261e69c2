import ContractKit
import HTTPTypes
import JSONSchema

extension Endpoint {
    /// `chkcon.php`: the connection test WHMCS's "Test Connection" button calls. Documented.
    ///
    /// Under `multi` it also demands credentials (v1.4 "multi authentication"); under `password` it does
    /// not ("Username and password fields are not required for this endpoint").
    static let chkcon = Endpoint(
        "/app/xml_cdr/chkcon.php", app: .accessControl, rateClass: .standard, methods: [.get, .post], envelope: .chkcon,
        provenance: .documented, credentialProfiles: [.multi]
    ) { _, _ in
        .json(["success": 1, "message": "API Access Granted: Whitelisted IP"])
    }

    /// `manage_access_control.php`: FusionPBX access control lists, the whitelist in force, and the API
    /// deployment's version strings. Inferred.
    static let manageAccessControl = Endpoint(
        "/app/access_controls/manage_access_control.php", app: .accessControl, rateClass: .standard, provenance: .inferred
    ) { request, server in
        switch try request.action(["list", "get", "check", "whitelist", "versions", "version"]) {
        case "list":
            let acls = try server.store.read { $0.accessControls }
            return .success(
                "Access controls retrieved successfully",
                ["count": .int(acls.count), "access_controls": .array(acls.map(\.json))]
            )
        case "get":
            let name = try request.require([["access_control_name", "name"]])[0]
            guard let acl = try server.store.read({ $0.accessControls.first { $0.name == name } }) else {
                throw ModelError(.notFound, "no access control named '\(name)'")
            }
            return .success("Access control retrieved successfully", ["access_control": acl.json])
        case "check":
            let address = try request.require([["ip_address", "address"]])[0]
            guard let ip = IPAddress(address) else {
                throw APIError.invalidRequest("ip_address '\(address)' is not valid: expected an IPv4 or IPv6 address")
            }
            return .success(
                "Whitelist check completed",
                ["ip_address": .string(address), "whitelisted": .bool(server.access.allows(ip))]
            )
        case "whitelist":
            let entries = server.access.whitelist.entries.map { JSONValue.string($0.description) }
            return .success("Whitelist retrieved successfully", ["count": .int(entries.count), "entries": .array(entries)])
        case "versions":
            let apps = PBXApp.all.map { JSONValue.object(["app": .string($0.name), "version": .string(server.version(of: $0))]) }
            return .success(
                "API versions retrieved successfully",
                ["pbx_version": .string(server.pbxVersion.text), "apps": .array(apps)]
            )
        default:
            return .appVersion(.accessControl, version: server.version(of: .accessControl))
        }
    }
}

extension EndpointResponse {
    /// The answer to `action=version` on any action-based endpoint.
    static func appVersion(_ app: PBXApp, version: String) -> EndpointResponse {
        .success("API version retrieved successfully", ["app": .string(app.name), "version": .string(version)])
    }
}

extension AccessControl {
    var json: JSONValue {
        let nodes = self.nodes.map { node -> JSONValue in
            ["node_type": .string(node.type), "node_cidr": .string(node.cidr), "node_description": .string(node.description)]
        }
        return [
            "access_control_uuid": .string(uuid), "access_control_name": .string(name),
            "access_control_default": .string(defaultAction), "access_control_description": .string(description),
            "nodes": .array(nodes),
        ]
    }
}

import JSONSchema
import HTTPTypes
extension Endpoint {
    /// `check_registration.php`: whether an extension is registered, and from where. Documented.
    ///
    /// A disabled extension, or one in a disabled domain, reports `"registered":"no"`: FusionPBX drops it
    /// from the directory, so it cannot stay registered.
    static let checkRegistration = Endpoint(
        "/app/registrations/check_registration.php", app: .registrations, provenance: .documented
    ) { request, server in
        let values = try request.require([["extension"], ["tenant_domain", "domain_name", "domain"]])
        let (number, domainName) = (values[0], values[1].lowercased())
        let registration = try server.store.read { dataset throws(ModelError) in
            _ = try dataset.extensionIndex(uuid: nil, number: number, domainName: domainName)
            return dataset.liveRegistrations.first { $0.domainName == domainName && $0.extensionNumber == number }
        }
        return .success(
            "Extension status retrieved",
            [
                "registered": registration == nil ? "no" : "yes",
                "register_ip": .string(registration?.networkIP ?? ""),
                "register_port": .string(registration.map { String($0.networkPort) } ?? ""),
                "register_useragent": .string(registration?.agent ?? ""),
            ]
        )
    }
}

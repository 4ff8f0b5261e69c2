import HTTPTypes
import JSONSchema

extension Endpoint {
    /// `check_registration.php`: whether an extension is registered, and from where. Documented.
    ///
    /// As sofia lists it: a disabled extension (or one in a disabled domain) stays registered until its
    /// registration expires on the (virtual) clock, since FusionPBX does not flush it; then it reports
    /// `"registered":"no"`. `register_status` is sofia's status string (a fakepbx addition).
    static let checkRegistration = Endpoint(
        "/app/registrations/check_registration.php", app: .registrations, rateClass: .standard, provenance: .documented
    ) { request, server in
        let values = try request.require([["extension"], ["tenant_domain", "domain_name", "domain"]])
        let (number, domainName) = (values[0], values[1].lowercased())
        let now = server.clock.epochSeconds
        let registration = try server.store.read { dataset throws(ModelError) in
            _ = try dataset.extensionIndex(uuid: nil, number: number, domainName: domainName)
            return dataset.liveRegistrations(at: now).first { $0.domainName == domainName && $0.extensionNumber == number }
        }
        return .success(
            "Extension status retrieved",
            [
                "registered": registration == nil ? "no" : "yes",
                "register_ip": .string(registration?.networkIP ?? ""),
                "register_port": .string(registration.map { String($0.networkPort) } ?? ""),
                "register_useragent": .string(registration?.agent ?? ""),
                "register_status": .string(registration?.sofiaStatus(at: now) ?? ""),
            ]
        )
    }
}

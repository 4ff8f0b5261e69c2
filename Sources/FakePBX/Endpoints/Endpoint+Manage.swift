extension Endpoint {
    static let manageDomain = Endpoint.manage(Domain.self, path: "/app/domains/manage_domain.php", app: .domains, rateClass: .standard)
    static let manageExtension = Endpoint.manage(
        Extension.self, path: "/app/extensions/manage_extension.php", app: .extensions, rateClass: .standard
    )
}

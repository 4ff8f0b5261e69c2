extension Dataset {
    func domainIndex(named name: String) throws(ModelError) -> Int {
        let key = name.lowercased()
        guard let index = domains.firstIndex(where: { $0.name == key }) else {
            throw ModelError(.notFound, "no domain named '\(name)'")
        }
        return index
    }

    func domainIndex(uuid: String?, name: String?) throws(ModelError) -> Int {
        if let uuid {
            guard let index = domains.firstIndex(where: { $0.uuid == uuid.lowercased() }) else {
                throw ModelError(.notFound, "no domain with domain_uuid \(uuid)")
            }
            return index
        }
        return try domainIndex(named: name ?? "")
    }

    func extensionIndex(uuid: String?, number: String?, domainName: String?) throws(ModelError) -> Int {
        if let uuid {
            guard let index = extensions.firstIndex(where: { $0.uuid == uuid.lowercased() }) else {
                throw ModelError(.notFound, "no extension with extension_uuid \(uuid)")
            }
            return index
        }
        let domain = domains[try domainIndex(named: domainName ?? "")].name
        guard let index = extensions.firstIndex(where: { $0.domainName == domain && $0.number == number }) else {
            throw ModelError(.notFound, "no extension \(number ?? "") in domain '\(domain)'")
        }
        return index
    }

    func gatewayIndex(uuid: String?, name: String?, domainName: String?) throws(ModelError) -> Int {
        if let uuid {
            guard let index = gateways.firstIndex(where: { $0.uuid == uuid.lowercased() }) else {
                throw ModelError(.notFound, "no gateway with gateway_uuid \(uuid)")
            }
            return index
        }
        let domain = domainName?.lowercased()
        guard let index = gateways.firstIndex(where: { $0.name == name && $0.domainName == domain }) else {
            let scope = domain.map { "in domain '\($0)'" } ?? "among global gateways"
            throw ModelError(.notFound, "no gateway named '\(name ?? "")' \(scope)")
        }
        return index
    }

    func isDomainEnabled(_ name: String) -> Bool {
        domains.first { $0.name == name }?.enabled ?? false
    }

    /// Registrations that count as live: the extension exists and is enabled in an enabled domain.
    var liveRegistrations: [Registration] {
        let enabledDomains = Set(domains.filter(\.enabled).map(\.name))
        let enabledExtensions = Set(
            extensions.filter { $0.enabled && enabledDomains.contains($0.domainName) }.map { "\($0.number)@\($0.domainName)" }
        )
        return registrations.filter { enabledExtensions.contains("\($0.extensionNumber)@\($0.domainName)") }
    }
}

extension Dataset {
    /// The domain a request names with `domain_name` (or an alias), as stored; `nil` when it names none.
    /// - Throws: ``ModelError`` `notFound` when the named domain does not exist.
    func domainNamed(by request: APIRequest) throws -> String? {
        guard let name = request.domainName else { return nil }
        return domains[try domainIndex(named: name)].name
    }
}

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

    /// Registrations sofia lists at `now`: those of enabled extensions in enabled domains, and those of
    /// disabled ones until they expire (see ``Registration/lingersUntil``).
    func liveRegistrations(at now: Int) -> [Registration] {
        registrations.filter { $0.isLive(at: now) }
    }

    /// The extensions (`number@domain`) that are enabled in an enabled domain.
    private var enabledExtensions: Set<String> {
        let enabledDomains = Set(domains.filter(\.enabled).map(\.name))
        return Set(extensions.filter { $0.enabled && enabledDomains.contains($0.domainName) }.map { "\($0.number)@\($0.domainName)" })
    }

    /// After a change at `now`: a registration whose extension or domain has just been disabled stays
    /// until its next expiry; one whose extension is enabled again is registered again (the phone
    /// keeps retrying).
    mutating func reconcileRegistrations(now: Int) {
        let enabled = enabledExtensions
        for i in registrations.indices {
            if enabled.contains(registrations[i].extensionKey) {
                registrations[i].lingersUntil = nil
            } else if registrations[i].lingersUntil == nil {
                registrations[i].lingersUntil = registrations[i].expiry(after: now)
            }
        }
    }

    /// For a dataset as loaded: registrations of extensions already disabled have long expired.
    mutating func settleRegistrations() {
        let enabled = enabledExtensions
        for i in registrations.indices where !enabled.contains(registrations[i].extensionKey) {
            registrations[i].lingersUntil = registrations[i].lingersUntil ?? .min
        }
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

extension Dataset {
    /// Every inconsistency in the dataset: bad formats, duplicates and references to missing records.
    func validationProblems() -> [DatasetError.Problem] {
        var checker = DatasetChecker(dataset: self)
        if format != Dataset.formatName {
            checker.fail("/format", "unsupported format '\(format)'; this fakepbx reads \"\(Dataset.formatName)\"")
        }
        // In this order: each table's references are checked against the tables before it.
        checker.checkDomains()
        checker.checkExtensions()
        checker.checkRegistrations()
        checker.checkGateways()
        checker.checkDestinations()
        checker.checkOutboundRoutes()
        checker.checkAccessControls()
        checker.checkActiveCalls()
        checker.checkCDRs()
        for (pointer, message) in cdrGeneration?.problems(at: "/cdr_generation", domainNames: checker.domainNames) ?? [] {
            checker.fail(pointer, message)
        }
        return checker.problems
    }
}

/// Checks a dataset table by table, remembering the names and UUIDs seen for the references and
/// duplicates of the tables after.
struct DatasetChecker {
    let dataset: Dataset
    private(set) var problems: [DatasetError.Problem] = []
    private(set) var domainNames = Set<String>()
    private var uuids = Set<String>()
    private var extensionKeys = Set<String>()
    private var gatewayUUIDs = Set<String>()

    init(dataset: Dataset) { self.dataset = dataset }

    mutating func check(_ pointer: String, _ message: String?) {
        if let message { problems.append(.init(pointer: pointer, message: "expected " + message)) }
    }

    mutating func fail(_ pointer: String, _ message: String) {
        problems.append(.init(pointer: pointer, message: message))
    }

    private mutating func uniqueUUID(_ value: String, _ pointer: String) {
        check(pointer, FieldRules.uuid(value))
        if !uuids.insert(value.lowercased()).inserted { fail(pointer, "duplicate UUID \(value)") }
    }

    private mutating func domainExists(_ name: String, _ pointer: String) {
        if !domainNames.contains(name) {
            fail(pointer, "no domain named '\(name)'; add it to /domains or correct the name")
        }
    }

    /// Names, time zones and UUIDs of `/domains`; each name once.
    mutating func checkDomains() {
        for (i, domain) in dataset.domains.enumerated() {
            let p = "/domains/\(i)"
            check("\(p)/domain_name", FieldRules.domainName(domain.name))
            check("\(p)/time_zone", FieldRules.timeZone(domain.timeZone))
            uniqueUUID(domain.uuid, "\(p)/domain_uuid")
            if !domainNames.insert(domain.name).inserted { fail("\(p)/domain_name", "duplicate domain '\(domain.name)'") }
        }
    }

    /// Numbers, ranges and domains of `/extensions`; each number once per domain.
    mutating func checkExtensions() {
        for (i, ext) in dataset.extensions.enumerated() {
            let p = "/extensions/\(i)"
            domainExists(ext.domainName, "\(p)/domain_name")
            check("\(p)/extension", FieldRules.extensionNumber(ext.number))
            check("\(p)/call_timeout", FieldRules.range(ext.callTimeout, FieldRules.callTimeout))
            check("\(p)/limit_max", FieldRules.range(ext.limitMax, FieldRules.limitMax))
            uniqueUUID(ext.uuid, "\(p)/extension_uuid")
            if !extensionKeys.insert("\(ext.number)@\(ext.domainName)").inserted {
                fail("\(p)/extension", "extension \(ext.number) appears twice in \(ext.domainName)")
            }
        }
    }

    /// Each registration names an extension that exists, from a valid address.
    mutating func checkRegistrations() {
        for (i, registration) in dataset.registrations.enumerated() {
            let p = "/registrations/\(i)"
            if !extensionKeys.contains("\(registration.extensionNumber)@\(registration.domainName)") {
                fail("\(p)/extension", "no extension \(registration.extensionNumber) in domain '\(registration.domainName)'")
            }
            check("\(p)/network_ip", FieldRules.ipAddress(registration.networkIP))
            check("\(p)/network_port", FieldRules.port(registration.networkPort))
            check("\(p)/expires_seconds", FieldRules.range(registration.expiresSeconds, FieldRules.registrationSeconds))
        }
    }

    /// Names, hosts, transports, timers and states of `/gateways`.
    mutating func checkGateways() {
        for (i, gateway) in dataset.gateways.enumerated() {
            let p = "/gateways/\(i)"
            if let domainName = gateway.domainName { domainExists(domainName, "\(p)/domain_name") }
            check("\(p)/gateway", FieldRules.gatewayName(gateway.name))
            check("\(p)/proxy", FieldRules.host(gateway.proxy))
            check("\(p)/register_transport", FieldRules.oneOf(gateway.registerTransport, FieldRules.registerTransports))
            check("\(p)/expire_seconds", FieldRules.range(gateway.expireSeconds, FieldRules.gatewaySeconds))
            check("\(p)/retry_seconds", FieldRules.range(gateway.retrySeconds, FieldRules.gatewaySeconds))
            if let state = gateway.simulatedState { check("\(p)/state", FieldRules.oneOf(state, Gateway.knownStates)) }
            uniqueUUID(gateway.uuid, "\(p)/gateway_uuid")
            gatewayUUIDs.insert(gateway.uuid)
        }
    }

    /// Numbers, types and domains of `/destinations`.
    mutating func checkDestinations() {
        for (i, destination) in dataset.destinations.enumerated() {
            let p = "/destinations/\(i)"
            domainExists(destination.domainName, "\(p)/domain_name")
            check("\(p)/destination_number", FieldRules.phoneNumber(destination.number))
            check("\(p)/destination_type", FieldRules.oneOf(destination.type, Destination.types))
            uniqueUUID(destination.uuid, "\(p)/destination_uuid")
        }
    }

    /// Expressions, domains and gateways of `/outbound_routes`.
    mutating func checkOutboundRoutes() {
        for (i, route) in dataset.outboundRoutes.enumerated() {
            let p = "/outbound_routes/\(i)"
            domainExists(route.domainName, "\(p)/domain_name")
            check("\(p)/dialplan_expression", FieldRules.regex(route.expression))
            if !gatewayUUIDs.contains(route.gatewayUUID) {
                fail("\(p)/gateway_uuid", "no gateway with UUID \(route.gatewayUUID); use a gateway_uuid from /gateways")
            }
            uniqueUUID(route.uuid, "\(p)/dialplan_uuid")
        }
    }

    /// Default actions and nodes of `/access_controls`.
    mutating func checkAccessControls() {
        for (i, acl) in dataset.accessControls.enumerated() {
            let p = "/access_controls/\(i)"
            check("\(p)/access_control_default", FieldRules.oneOf(acl.defaultAction, AccessControl.actions))
            uniqueUUID(acl.uuid, "\(p)/access_control_uuid")
            for (n, node) in acl.nodes.enumerated() {
                check("\(p)/nodes/\(n)/node_cidr", FieldRules.cidr(node.cidr))
                check("\(p)/nodes/\(n)/node_type", FieldRules.oneOf(node.type, AccessControl.actions))
            }
        }
    }

    /// Domains and directions of `/active_calls`.
    mutating func checkActiveCalls() {
        for (i, call) in dataset.activeCalls.enumerated() {
            domainExists(call.domainName, "/active_calls/\(i)/domain_name")
            check("/active_calls/\(i)/direction", FieldRules.oneOf(call.direction, CallDetailRecord.directions))
        }
    }

    /// Stored CDRs: domains, directions, legs, causes, extensions and a consistent timeline.
    mutating func checkCDRs() {
        for (i, cdr) in dataset.cdrs.enumerated() {
            let p = "/cdrs/\(i)"
            domainExists(cdr.domainName, "\(p)/domain_name")
            check("\(p)/direction", FieldRules.oneOf(cdr.direction, CallDetailRecord.directions))
            if let ms = cdr.billmsec, ms / 1000 != cdr.billsec || ms < 0 {
                fail(
                    "\(p)/billmsec",
                    "billmsec \(ms) does not fit billsec \(cdr.billsec) (end_epoch - answer_epoch): it must be from \(cdr.billsec * 1000) to \(cdr.billsec * 1000 + 999), or left out"
                )
            }
            check("\(p)/leg", FieldRules.oneOf(cdr.leg, ["a", "b"]))
            check("\(p)/xml_cdr_uuid", FieldRules.uuid(cdr.uuid))
            if HangupCause.q850[cdr.hangupCause] == nil {
                fail("\(p)/hangup_cause", "unknown hangup cause '\(cdr.hangupCause)'; use a FreeSWITCH cause such as NORMAL_CLEARING")
            }
            if let number = cdr.extensionNumber, !extensionKeys.contains("\(number)@\(cdr.domainName)") {
                fail("\(p)/extension", "no extension \(number) in domain '\(cdr.domainName)'")
            }
            if cdr.endEpoch < cdr.startEpoch {
                fail("\(p)/end_epoch", "end_epoch \(cdr.endEpoch) is before start_epoch \(cdr.startEpoch)")
            }
            if cdr.answerEpoch != 0 && !(cdr.startEpoch...max(cdr.startEpoch, cdr.endEpoch)).contains(cdr.answerEpoch) {
                fail("\(p)/answer_epoch", "answer_epoch must be 0 (unanswered) or between start_epoch and end_epoch")
            }
        }
    }
}

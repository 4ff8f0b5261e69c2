extension Dataset {
    /// Every inconsistency in the dataset: bad formats, duplicates and references to missing records.
    func validationProblems() -> [DatasetError.Problem] {
        var problems: [DatasetError.Problem] = []
        func check(_ pointer: String, _ message: String?) {
            if let message { problems.append(.init(pointer: pointer, message: "expected " + message)) }
        }
        func fail(_ pointer: String, _ message: String) {
            problems.append(.init(pointer: pointer, message: message))
        }

        if format != Dataset.formatName {
            fail("/format", "unsupported format '\(format)'; this fakepbx reads \"\(Dataset.formatName)\"")
        }

        var domainNames = Set<String>()
        var uuids = Set<String>()
        func uniqueUUID(_ value: String, _ pointer: String) {
            check(pointer, FieldRules.uuid(value))
            if !uuids.insert(value.lowercased()).inserted { fail(pointer, "duplicate UUID \(value)") }
        }
        func domainExists(_ name: String, _ pointer: String) {
            if !domainNames.contains(name) {
                fail(pointer, "no domain named '\(name)'; add it to /domains or correct the name")
            }
        }

        for (i, domain) in domains.enumerated() {
            let p = "/domains/\(i)"
            check("\(p)/domain_name", FieldRules.domainName(domain.name))
            check("\(p)/time_zone", FieldRules.timeZone(domain.timeZone))
            uniqueUUID(domain.uuid, "\(p)/domain_uuid")
            if !domainNames.insert(domain.name).inserted { fail("\(p)/domain_name", "duplicate domain '\(domain.name)'") }
        }

        var extensionKeys = Set<String>()
        for (i, ext) in extensions.enumerated() {
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

        for (i, registration) in registrations.enumerated() {
            let p = "/registrations/\(i)"
            if !extensionKeys.contains("\(registration.extensionNumber)@\(registration.domainName)") {
                fail("\(p)/extension", "no extension \(registration.extensionNumber) in domain '\(registration.domainName)'")
            }
            check("\(p)/network_ip", FieldRules.ipAddress(registration.networkIP))
            check("\(p)/network_port", FieldRules.port(registration.networkPort))
        }

        var gatewayUUIDs = Set<String>()
        for (i, gateway) in gateways.enumerated() {
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

        for (i, destination) in destinations.enumerated() {
            let p = "/destinations/\(i)"
            domainExists(destination.domainName, "\(p)/domain_name")
            check("\(p)/destination_number", FieldRules.phoneNumber(destination.number))
            check("\(p)/destination_type", FieldRules.oneOf(destination.type, Destination.types))
            uniqueUUID(destination.uuid, "\(p)/destination_uuid")
        }

        for (i, route) in outboundRoutes.enumerated() {
            let p = "/outbound_routes/\(i)"
            domainExists(route.domainName, "\(p)/domain_name")
            check("\(p)/dialplan_expression", FieldRules.regex(route.expression))
            if !gatewayUUIDs.contains(route.gatewayUUID) {
                fail("\(p)/gateway_uuid", "no gateway with UUID \(route.gatewayUUID); use a gateway_uuid from /gateways")
            }
            uniqueUUID(route.uuid, "\(p)/dialplan_uuid")
        }

        for (i, acl) in accessControls.enumerated() {
            let p = "/access_controls/\(i)"
            check("\(p)/access_control_default", FieldRules.oneOf(acl.defaultAction, AccessControl.actions))
            uniqueUUID(acl.uuid, "\(p)/access_control_uuid")
            for (n, node) in acl.nodes.enumerated() {
                check("\(p)/nodes/\(n)/node_cidr", FieldRules.cidr(node.cidr))
                check("\(p)/nodes/\(n)/node_type", FieldRules.oneOf(node.type, AccessControl.actions))
            }
        }

        for (i, call) in activeCalls.enumerated() {
            domainExists(call.domainName, "/active_calls/\(i)/domain_name")
            check("/active_calls/\(i)/direction", FieldRules.oneOf(call.direction, CallDetailRecord.directions))
        }

        for (i, cdr) in cdrs.enumerated() {
            let p = "/cdrs/\(i)"
            domainExists(cdr.domainName, "\(p)/domain_name")
            check("\(p)/direction", FieldRules.oneOf(cdr.direction, CallDetailRecord.directions))
            if let ms = cdr.billmsec, ms / 1000 != cdr.billsec || ms < 0 {
                fail("\(p)/billmsec", "billmsec \(ms) does not fit billsec \(cdr.billsec) (end_epoch - answer_epoch): it must be from \(cdr.billsec * 1000) to \(cdr.billsec * 1000 + 999), or left out")
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
        for (pointer, message) in cdrGeneration?.problems(at: "/cdr_generation", domainNames: domainNames) ?? [] {
            fail(pointer, message)
        }
        return problems
    }
}

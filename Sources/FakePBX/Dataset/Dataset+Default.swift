import Foundation

extension Dataset {
    /// The embedded dataset `fakepbx serve` starts with: a small provider with tenants in North American,
    /// Australian and UK numbering, and a generated call history: the seven days before today and
    /// today so far, in each tenant's time zone (`cdr_generation`, seed `fakepbx`).
    ///
    /// `yourdomain.com` with extension 1001 registered from 192.168.1.100 is the ictVoIP documentation's
    /// own example, so its curl commands work unchanged.
    public static var defaultDataset: Dataset {
        var dataset = Dataset(
            domains: DefaultTenants.all.map(\.domain),
            extensions: DefaultTenants.all.flatMap(\.extensions),
            registrations: DefaultTenants.all.flatMap(\.registrations),
            gateways: DefaultTenants.all.compactMap(\.gateway),
            destinations: DefaultTenants.all.flatMap(\.destinations),
            outboundRoutes: DefaultTenants.all.flatMap(\.routes),
            accessControls: DefaultTenants.accessControls,
            activeCalls: DefaultTenants.activeCalls
        )
        dataset.cdrGeneration = CDRGeneration(
            seed: "fakepbx", callsPerDay: 20,
            domains: Dictionary(uniqueKeysWithValues: DefaultTenants.all.filter(\.domain.enabled).map { ($0.domain.name, $0.callsPerDay) }),
            days: 7
        )
        return dataset
    }
}

/// One tenant of the default dataset.
struct DefaultTenant {
    var domain: Domain
    var extensions: [Extension]
    var registrations: [Registration]
    var gateway: Gateway?
    var destinations: [Destination]
    var routes: [OutboundRoute]
    var callsPerDay: Int

    init(
        _ name: String, description: String, timeZone: String, plan: Domain.NumberingPlan, enabled: Bool = true,
        extensions: [(String, String)], registered: [(ext: String, agent: String, lan: String, wan: String, port: Int)],
        gateway: (name: String, proxy: String, username: String)?, dids: [(String, String)],
        routes: [(name: String, expression: String, prefix: String)],
        callsPerDay: Int
    ) {
        domain = Domain(
            uuid: UUIDv4.derived(from: "domain:\(name)"), name: name, enabled: enabled, description: description, timeZone: timeZone,
            numberingPlan: plan)
        self.extensions = extensions.map { number, caller in
            var ext = Extension(
                uuid: UUIDv4.derived(from: "extension:\(number)@\(name)"), domainName: name, number: number,
                password: ExtensionPassword.derived(from: "\(number)@\(name)")
            )
            ext.effectiveCallerIDName = caller
            let parts = caller.split(separator: " ", maxSplits: 1)
            ext.directoryFirstName = parts.first.map(String.init) ?? ""
            ext.directoryLastName = parts.count > 1 ? String(parts[1]) : ""
            ext.outboundCallerIDNumber = dids.first?.0 ?? ""
            return ext
        }
        registrations = registered.map { r in
            Registration(
                domainName: name, extensionNumber: r.ext,
                contact: "\"\(r.ext)\" <sip:\(r.ext)@\(r.lan):5060;transport=udp;fs_nat=yes;fs_path=<sip:\(r.ext)@\(r.wan):\(r.port)>>",
                agent: r.agent, networkIP: r.wan, networkPort: r.port
            )
        }
        var trunk = gateway.map {
            Gateway(
                uuid: UUIDv4.derived(from: "gateway:\($0.name)@\(name)"), domainName: name, name: $0.name, username: $0.username,
                password: ExtensionPassword.derived(from: "gw:\($0.name)"), proxy: $0.proxy)
        }
        trunk?.register = true
        trunk?.description = gateway.map { "Carrier trunk (\($0.proxy))" } ?? ""
        self.gateway = trunk
        destinations = dids.map { did, ext in
            var destination = Destination(
                uuid: UUIDv4.derived(from: "destination:\(did)@\(name)"), domainName: name, number: did, app: "transfer", data: "\(ext) XML \(name)")
            destination.description = "DID to \(ext)"
            return destination
        }
        self.routes = routes.enumerated().compactMap { index, route in
            guard let trunk else { return nil }
            // Named as dialplan_outbound_add.php names a route: <gateway>.<abbrv>.
            var outbound = OutboundRoute(
                uuid: UUIDv4.derived(from: "outbound:\(route.name)@\(name)"), domainName: name, name: "\(trunk.name).\(route.name)",
                expression: route.expression, gatewayUUID: trunk.uuid
            )
            outbound.prefixNumber = route.prefix
            outbound.order = 300 + index * 10
            return outbound
        }
        self.callsPerDay = callsPerDay
    }
}

enum DefaultTenants {
    static let all: [DefaultTenant] = [docs, northwind, harbour, thames, suspended]

    static let nanpRoutes = [
        (name: "10-11-NANP", expression: #"^(?:\+1|1)?([2-9]\d{2}[2-9]\d{2}\d{4})$"#, prefix: "1"),
        (name: "011.9-17d", expression: #"^(011\d{9,17})$"#, prefix: ""),
        (name: "800", expression: #"^(?:\+1|1)?(8(00|33|44|55|66|77|88)[2-9]\d{6})$"#, prefix: "1"),
        (name: "911", expression: #"(^911$|^933$)"#, prefix: ""),
    ]

    static let docs = DefaultTenant(
        "yourdomain.com", description: "Documentation example tenant (the ictVoIP curl examples use it)",
        timeZone: "America/Toronto", plan: .nanp,
        extensions: [("1001", "Front Desk"), ("1002", "Sales Office"), ("1003", "Mary Jones"), ("1004", "Conference Room")],
        registered: [
            ("1001", "SIP Client/1.0", "192.168.1.100", "192.168.1.100", 5060),
            ("1003", "Yealink SIP-T46S 66.86.0.15", "192.168.1.53", "198.51.100.23", 5060),
        ],
        gateway: ("carrier_ca", "sip.carrier-ca.example:5060", "5192229000"),
        dids: [("5192229000", "1001"), ("5192229001", "1002")],
        routes: nanpRoutes,
        callsPerDay: 14
    )

    static let northwind = DefaultTenant(
        "northwind.pbx.example.com", description: "Northwind Traders (Chicago)",
        timeZone: "America/Chicago", plan: .nanp,
        extensions: [("100", "Reception"), ("101", "John Smith"), ("102", "Ana Trujillo"), ("103", "Warehouse"), ("104", "Fax")],
        registered: [
            ("100", "PolycomVVX-VVX_450-UA/6.4.3.5018", "10.20.0.11", "203.0.113.40", 5060),
            ("101", "Yealink SIP-T46S 66.86.0.15", "10.20.0.12", "203.0.113.40", 16384),
            ("102", "Zoiper v2.10.20", "192.168.0.23", "198.51.100.77", 52011),
        ],
        gateway: ("carrier_us", "sip.carrier-us.example", "3125550142"),
        dids: [("13125550142", "100"), ("13125550143", "101"), ("18005550199", "100")],
        routes: nanpRoutes,
        callsPerDay: 22
    )

    static let harbour = DefaultTenant(
        "harbour.pbx.example.com.au", description: "Harbour Freight Logistics (Sydney)",
        timeZone: "Australia/Sydney", plan: .au,
        extensions: [("200", "Front Office"), ("201", "Liam Wilson"), ("202", "Olivia Brown"), ("203", "Dispatch")],
        registered: [
            ("200", "Grandstream GXP2170 1.0.11.23", "192.168.20.10", "203.0.113.90", 5060),
            ("203", "MicroSIP/3.21.5", "192.168.20.31", "203.0.113.90", 61234),
        ],
        gateway: ("carrier_au", "sip.carrier-au.example", "0290001234"),
        dids: [("61290001234", "200"), ("611300555123", "200"), ("611800555123", "203")],
        routes: [
            (name: "AU-national", expression: #"^0([2378]\d{8})$"#, prefix: "61"),
            (name: "AU-mobile", expression: #"^0(4\d{8})$"#, prefix: "61"),
            (name: "AU-13-1300-1800", expression: #"^(13\d{4}|1[38]00\d{6})$"#, prefix: ""),
            (name: "AU-international", expression: #"^0011(\d{6,15})$"#, prefix: ""),
            (name: "AU-emergency", expression: #"^(000|112)$"#, prefix: ""),
        ],
        callsPerDay: 18
    )

    static let thames = DefaultTenant(
        "thames.pbx.example.co.uk", description: "Thames Valley Dental (London)",
        timeZone: "Europe/London", plan: .uk,
        extensions: [("2001", "Reception"), ("2002", "Dr Patel"), ("2003", "Billing")],
        registered: [("2001", "Linphone/5.2.5", "192.168.1.20", "198.51.100.140", 5060)],
        gateway: ("carrier_uk", "sip.carrier-uk.example:5060", "442079460123"),
        dids: [("442079460123", "2001"), ("442079460124", "2003")],
        routes: [
            (name: "UK-national", expression: #"^0([1-3]\d{8,9})$"#, prefix: "44"),
            (name: "UK-mobile", expression: #"^0(7\d{9})$"#, prefix: "44"),
            (name: "UK-international", expression: #"^00(\d{6,15})$"#, prefix: ""),
            (name: "UK-emergency", expression: #"^(999|112)$"#, prefix: ""),
        ],
        callsPerDay: 12
    )

    /// A tenant autosuspend has disabled: its domain is off, so nothing in it registers or calls.
    static let suspended = DefaultTenant(
        "lapsed.pbx.example.com", description: "Suspended for non-payment", timeZone: "America/New_York", plan: .nanp,
        enabled: false, extensions: [("100", "Main Line")], registered: [], gateway: nil, dids: [],
        routes: [], callsPerDay: 0
    )

    /// FusionPBX's stock lists since April 2023 (app/access_controls/app_defaults.php): `rfc1918` and
    /// `providers` (renamed from `domains`), both default deny; `providers` holds the carriers' addresses.
    static let accessControls = [
        AccessControl(
            uuid: UUIDv4.derived(from: "acl:rfc1918"), name: "rfc1918", defaultAction: "deny", description: "",
            nodes: [
                .init(type: "allow", cidr: "10.0.0.0/8"), .init(type: "allow", cidr: "172.16.0.0/12"),
                .init(type: "allow", cidr: "192.168.0.0/16"),
            ]
        ),
        AccessControl(
            uuid: UUIDv4.derived(from: "acl:providers"), name: "providers", defaultAction: "deny", description: "",
            nodes: [.init(type: "allow", cidr: "203.0.113.0/24", description: "carrier signalling")]
        ),
    ]

    static let activeCalls = [
        ActiveCall(
            uuid: UUIDv4.derived(from: "call:1"), domainName: "northwind.pbx.example.com", direction: "outbound", callerIDNumber: "101",
            destinationNumber: "13125550188"),
        ActiveCall(
            uuid: UUIDv4.derived(from: "call:2"), domainName: "harbour.pbx.example.com.au", direction: "inbound", callerIDNumber: "61298765432",
            destinationNumber: "61290001234"),
        ActiveCall(
            uuid: UUIDv4.derived(from: "call:3"), domainName: "yourdomain.com", direction: "local", callerIDNumber: "1001", destinationNumber: "1003"),
    ]
}

/// The whole tenant model as a file: what `--data FILE` loads and `fakepbx data export` prints.
///
/// Records refer to their tenant by `domain_name`; UUIDs, passwords and most settings are optional in
/// the file and get FusionPBX's defaults (UUIDs and passwords derived from the record's name, so they
/// stay the same each time the file is loaded).
public struct Dataset: Codable, Sendable, Hashable {
    /// The format marker written at the top of every dataset file.
    public static let formatName = "fakepbx-dataset/1"

    public var format: String
    public var domains: [Domain]
    public var extensions: [Extension]
    public var registrations: [Registration]
    public var gateways: [Gateway]
    public var destinations: [Destination]
    public var outboundRoutes: [OutboundRoute]
    public var accessControls: [AccessControl]
    public var activeCalls: [ActiveCall]
    /// Stored CDRs, served as they are.
    public var cdrs: [CallDetailRecord]
    /// Generated call history, worked out on demand and never stored (see ``CDRGeneration``).
    public var cdrGeneration: CDRGeneration?
    /// CDR numeric columns as JSON strings (`"billsec":"42"`), the way a PHP script that
    /// `json_encode`s rows from PHP's PostgreSQL driver sends them (inferred); off when nil.
    public var phpTypes: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case format, domains, extensions, registrations, gateways, destinations
        case outboundRoutes = "outbound_routes"
        case accessControls = "access_controls"
        case activeCalls = "active_calls"
        case cdrs
        case cdrGeneration = "cdr_generation"
        case phpTypes = "php_types"
    }

    public init(
        domains: [Domain] = [], extensions: [Extension] = [], registrations: [Registration] = [],
        gateways: [Gateway] = [], destinations: [Destination] = [], outboundRoutes: [OutboundRoute] = [],
        accessControls: [AccessControl] = [], activeCalls: [ActiveCall] = [], cdrs: [CallDetailRecord] = [],
        cdrGeneration: CDRGeneration? = nil
    ) {
        self.format = Dataset.formatName
        self.domains = domains
        self.extensions = extensions
        self.registrations = registrations
        self.gateways = gateways
        self.destinations = destinations
        self.outboundRoutes = outboundRoutes
        self.accessControls = accessControls
        self.activeCalls = activeCalls
        self.cdrs = cdrs
        self.cdrGeneration = cdrGeneration
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.format = try c.decode(String.self, forKey: .format)
        self.domains = try c.value(.domains, or: [])
        self.extensions = try c.value(.extensions, or: [])
        self.registrations = try c.value(.registrations, or: [])
        self.gateways = try c.value(.gateways, or: [])
        self.destinations = try c.value(.destinations, or: [])
        self.outboundRoutes = try c.value(.outboundRoutes, or: [])
        self.accessControls = try c.value(.accessControls, or: [])
        self.activeCalls = try c.value(.activeCalls, or: [])
        self.cdrs = try c.value(.cdrs, or: [])
        self.cdrGeneration = try c.decodeIfPresent(CDRGeneration.self, forKey: .cdrGeneration)
        self.phpTypes = try c.decodeIfPresent(Bool.self, forKey: .phpTypes)
        settleRegistrations()
    }

    /// The record type of each top-level array, for reporting unknown fields.
    static let recordFields: [String: Set<String>] = [
        "domains": Domain.fieldNames, "extensions": Extension.fieldNames,
        "registrations": Registration.fieldNames, "gateways": Gateway.fieldNames,
        "destinations": Destination.fieldNames, "outbound_routes": OutboundRoute.fieldNames,
        "access_controls": AccessControl.fieldNames, "active_calls": ActiveCall.fieldNames,
        "cdrs": CallDetailRecord.fieldNames,
    ]
}

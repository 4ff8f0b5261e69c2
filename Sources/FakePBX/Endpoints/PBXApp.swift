/// One of the ictVoIP applications installed on the PBX, with the version string a health check reads.
///
/// Only `2.0-extensions`, `1.2.7-destinations` and `1.2.5-outbound` are published by ictVoIP; the others
/// follow the same `<semver>-<app>` pattern and are inferred.
public struct PBXApp: Sendable, Hashable {
    /// The alias the ictVoIP Health Check uses, e.g. `extensions`.
    public let name: String
    public let version: String

    public static let accessControl = PBXApp(name: "access_control", version: "1.4.0-access_control")
    public static let status = PBXApp(name: "status", version: "1.3.0-status")
    public static let registrations = PBXApp(name: "registrations", version: "1.2.1-registrations")
    public static let gateways = PBXApp(name: "gateways", version: "1.3.1-gateways")
    public static let domains = PBXApp(name: "domains", version: "1.1.0-domains")
    public static let extensions = PBXApp(name: "extensions", version: "2.0-extensions")
    public static let destinations = PBXApp(name: "destinations", version: "1.2.7-destinations")
    public static let outbound = PBXApp(name: "dialplan_outbound", version: "1.2.5-outbound")
    public static let xmlCDR = PBXApp(name: "xml_cdr", version: "1.3.2-xml_cdr")

    public static let all: [PBXApp] = [
        accessControl, status, registrations, gateways, domains, extensions, destinations, outbound, xmlCDR,
    ]

    /// `versions` with every name checked against the applications.
    /// - Throws: ``FakePBXError`` naming an unknown application and the known ones.
    public static func checked(_ versions: [String: String]) throws(FakePBXError) -> [String: String] {
        for (name, version) in versions {
            guard all.contains(where: { $0.name == name }) else {
                throw FakePBXError(
                    .invalidConfiguration, "'\(name)' is not an ictVoIP application; they are \(all.map(\.name).joined(separator: ", "))",
                    at: "--app-version")
            }
            guard !version.isEmpty else { throw FakePBXError(.invalidConfiguration, "the version of '\(name)' is empty", at: "--app-version") }
        }
        return versions
    }
}

/// Every API script fakepbx serves, by path.
public struct EndpointCatalog: Sendable {
    /// Bodies over this size are refused with 413: FusionPBX's nginx sets `client_max_body_size 80M`
    /// and its PHP `post_max_size` 80M (fusionpbx-install.sh: `debian/resources/nginx/fusionpbx` and
    /// `debian/resources/php.sh`).
    public static let maxBodySize = 80 << 20

    public let endpoints: [Endpoint]
    private let byPath: [String: Endpoint]

    init(endpoints: [Endpoint], aliases: [String: String] = [:]) {
        self.endpoints = endpoints
        var byPath = Dictionary(uniqueKeysWithValues: endpoints.map { ($0.path, $0) })
        for (alias, target) in aliases { byPath[alias] = byPath[target] }
        self.byPath = byPath
    }

    public func endpoint(for path: String) -> Endpoint? { byPath[path] }

    /// The ictVoIP API set at its real paths.
    public static let standard = EndpointCatalog(
        endpoints: [
            .chkcon, .status, .checkRegistration, .provisionGateway, .provisionList, .manageGateway,
            .manageDomain, .manageExtension, .manageDestinations, .manageOutbound, .manageAccessControl,
            .exportCDR, .checkCDRs, .getCDRData,
        ],
        // WHMCS's "Server Status Address" points at the folder.
        aliases: ["/app/status/": "/app/status/index.php", "/app/status": "/app/status/index.php"]
    )
}

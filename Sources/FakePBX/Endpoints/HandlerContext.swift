/// What an endpoint's handler may use, and nothing else: the tenant model, the clock, the emulated
/// version and release, and the access rules (for `chkcon.php`). Made once per server.
struct HandlerContext: Sendable {
    let store: TenantStore
    let clock: PBXClock
    /// The version the server reports (`--pbx-version`), and the release it is answered as.
    let pbxVersion: PBXVersion
    let release: FusionPBXRelease
    /// When the server started, for the uptime `status/index.php` reports.
    let startEpoch: Double
    let access: AccessPolicy
    /// Application versions that differ from ``PBXApp``'s (`--app-version`).
    let appVersions: [String: String]

    /// The version string `app` reports.
    func version(of app: PBXApp) -> String { appVersions[app.name] ?? app.version }

    init(_ server: PBXServer) {
        store = server.store
        clock = server.clock
        pbxVersion = server.pbxVersion
        release = server.release
        startEpoch = server.startEpoch
        access = server.access
        appVersions = server.appVersions
    }
}

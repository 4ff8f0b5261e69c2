import Hummingbird
import NIOCore

extension ControlAPI {
    /// The dashboard: a page that follows the journal and drives the control API.
    static let dashboardRoutes: [ControlRoute] = [
        ControlRoute(.get, "", usage: "GET /__fakepbx/ (the dashboard; with --admin-token, /__fakepbx/?token=TOKEN)") { api, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .contentSecurityPolicy: dashboardPolicy],
                body: ResponseBody(byteBuffer: ByteBuffer(string: api.server.tls == nil ? page.http : page.https))
            )
        }
    ]

    /// Made once: the page does not change while the server runs.
    private static let page = (
        http: DashboardPage.html(faultKinds: Fault.Kind.Name.formTable, https: false),
        https: DashboardPage.html(faultKinds: Fault.Kind.Name.formTable, https: true)
    )
    /// The page loads nothing from elsewhere and talks only to this server.
    private static let dashboardPolicy =
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:"
}

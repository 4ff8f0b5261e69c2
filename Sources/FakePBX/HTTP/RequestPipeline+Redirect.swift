import Foundation
import HTTPTypes
import Synchronization

/// Stock FusionPBX's port 80 (fusionpbx-install.sh, `debian/resources/nginx/fusionpbx`, 2022–2025):
///
///     if ($uri !~* ^.*(provision|xml_cdr|firmware).*$) {
///         rewrite ^(.*) https://$host$1 permanent;
///     }
///
/// Every request but those whose decoded path names provisioning, XML CDR or firmware gets nginx's
/// 301 to HTTPS, with nginx's own page; PHP's curl does not follow it by default.
extension RequestPipeline {
    /// Whether a request for `path` on a listener that is (`secure`) or is not HTTPS is redirected.
    func redirectsToHTTPS(path: String, secure: Bool) -> Bool {
        guard !secure, server.httpsRedirect, server.httpsPort.load(ordering: .relaxed) > 0 else { return false }
        let decoded = (path.removingPercentEncoding ?? path).lowercased()
        return !["provision", "xml_cdr", "firmware"].contains { decoded.contains($0) }
    }

    /// nginx's 301 for a request that came over HTTP, or `nil`.
    func httpsRedirect(_ request: IncomingRequest, applied: [String]) -> Answer? {
        guard redirectsToHTTPS(path: request.path, secure: request.tls != nil) else { return nil }
        let port = server.httpsPort.load(ordering: .relaxed)
        // nginx writes `https://$host$uri?args`: $host is the Host header's name without its port.
        // fakepbx adds the HTTPS listener's port when it is not 443, so a client that follows arrives.
        let host = request.authority.map(ControlAccess.hostName) ?? "localhost"
        let name = host.contains(":") ? "[\(host)]" : host
        let location = "https://\(name)\(port == 443 ? "" : ":\(port)")\(request.uri)"
        var answer = Answer(
            status: .movedPermanently, headers: [.contentType: "text/html", .location: location], body: Array(Self.nginx301.utf8))
        answer.applied = applied + ["https-redirect"]
        return answer
    }

    /// nginx 1.22's page for a 301 (`ngx_http_special_response.c`), with its version as Debian 12's
    /// nginx shows it (`server_tokens` on).
    static let nginx301 =
        "<html>\r\n<head><title>301 Moved Permanently</title></head>\r\n<body>\r\n<center><h1>301 Moved Permanently</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n"
}

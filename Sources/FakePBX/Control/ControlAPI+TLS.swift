import Hummingbird
import Logging
import NIOCore

extension ControlAPI {
    /// The HTTPS listener's certificates and its mode.
    static let tlsRoutes: [ControlRoute] = [
        ControlRoute(.get, "tls") { api, _ in api.json(.ok, try api.tlsIdentities().json) },
        ControlRoute(.post, "tls", usage: "POST /__fakepbx/tls {mode}") { api, call in try await api.setTLSMode(call) },
        ControlRoute(.put, "tls", usage: nil) { api, call in try await api.setTLSMode(call) },
        ControlRoute(.get, "tls/ca.pem") { api, _ in
            Response(
                status: .ok, headers: [.contentType: "application/x-pem-file"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: try api.tlsIdentities().caPEM))
            )
        },
    ]

    private func setTLSMode(_ call: ControlCall) async throws -> Response {
        let identities = try tlsIdentities()
        guard let name = string(try await document(call.request, keys: ["mode"]), call.request, "mode") else {
            throw Failure(status: .badRequest, message: "give the mode, e.g. {\"mode\": \"expired\"}; modes: \(TLSMode.names)")
        }
        guard let mode = TLSMode(rawValue: name) else {
            throw Failure(status: .badRequest, message: "unknown TLS mode '\(name)'; expected one of: \(TLSMode.names)")
        }
        controls.setTLSMode(mode, by: .controlAPI(peer: call.peer))
        return json(.ok, identities.json)
    }

    /// The HTTPS listener's certificates, or 404 saying how to turn HTTPS on.
    private func tlsIdentities() throws -> TLSIdentities {
        guard let tls = server.tls else {
            throw Failure(status: .notFound, message: "HTTPS is off; start fakepbx serve with --https-port N (0 picks a free port)")
        }
        return tls
    }
}

import Hummingbird
import HTTPTypes

/// The `--admin-port` listener: the control API alone, with no ban guard, so a test that banned its
/// own address can still clean up. Who may use it is decided as on the shared port.
struct ControlResponder: HTTPResponder {
    typealias Context = PBXRequestContext
    let server: PBXServer

    func respond(to request: Request, context: PBXRequestContext) async throws -> Response {
        let peer = context.remoteAddress.flatMap(IPAddress.init) ?? IPAddress("0.0.0.0")!
        guard request.uri.path.hasPrefix(ControlAPI.prefix) else {
            let text = "{\"error\":\"this port serves only the control API, under \(ControlAPI.prefix)\"}\n"
            return Response(status: .notFound, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: .init(string: text)))
        }
        return await ControlAPI(server: server).respond(to: request, peer: peer)
    }
}

import Hummingbird
import HTTPTypes
import JSONSchema

/// fakepbx's own routes under `/__fakepbx/`: never subject to the PBX's policies, never part of the
/// emulated API.
struct ControlAPI: Sendable {
    static let prefix = "/__fakepbx/"
    let server: PBXServer

    func respond(to request: Request) -> Response {
        let route = String(request.uri.path.dropFirst(ControlAPI.prefix.count))
        switch (request.method, route) {
        case (.get, "health"), (.head, "health"):
            return json(.ok, ["status": "ok", "pbx_version": .string(server.pbxVersion.text)])
        case (.get, "violations"):
            guard let verifier = server.clientVerifier else {
                return json(.ok, [
                    "enabled": false, "count": 0, "violations": [],
                    "hint": "start fakepbx with --verify-client to check the client's requests against the contracts",
                ])
            }
            let (entries, dropped) = verifier.recorded
            return json(.ok, [
                "enabled": true, "mode": .string(verifier.mode.rawValue), "count": .int(entries.count), "dropped": .int(dropped),
                "violations": .array(entries.map(\.json)),
            ])
        case (.delete, "violations"):
            server.clientVerifier?.clear()
            return json(.ok, ["status": "cleared"])
        case (_, "health"), (_, "violations"):
            return json(.methodNotAllowed, ["error": .string("method \(request.method.rawValue) is not allowed on \(request.uri.path)")])
        default:
            return json(.notFound, [
                "error": .string("no control route \(request.uri.path)"), "routes": ["GET /__fakepbx/health", "GET /__fakepbx/violations", "DELETE /__fakepbx/violations"],
            ])
        }
    }

    private func json(_ status: HTTPResponse.Status, _ body: JSONValue) -> Response {
        var bytes = body.serializedBytes()
        bytes.append(UInt8(ascii: "\n"))
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

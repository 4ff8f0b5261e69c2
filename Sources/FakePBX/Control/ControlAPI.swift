import ContractKit
import Foundation
import HTTPTypes
import Hummingbird
import JSONSchema
import Logging
import NIOCore

/// fakepbx's own routes under `/__fakepbx/`: never subject to the PBX's policies, never part of the
/// emulated API. With `--admin-token`, every route needs `Authorization: Bearer TOKEN`.
///
/// Bodies are JSON objects; a value can also be given as a query parameter (`?seconds=3600`). Each
/// resource's routes are in `ControlAPI+Resource.swift`; ``table`` gathers them, and the router
/// (`ControlAPI+Router.swift`), the 404 answer and `Allow` all read it.
struct ControlAPI: Sendable {
    static let prefix = "/__fakepbx/"

    /// Every control route, in the order the 404 answer lists them.
    static let table: [ControlRoute] =
        healthRoutes + clockRoutes + policyRoutes + whitelistRoutes + stateRoutes
        + faultRoutes + violationRoutes + scenarioRoutes + replayRoutes + journalRoutes + eventRoutes + dashboardRoutes + tlsRoutes + resetRoutes

    /// The routes' usage, as the 404 answer lists them.
    static let routes: [String] = table.compactMap(\.usage)

    static let healthRoutes: [ControlRoute] = [
        ControlRoute(.get, "health") { api, _ in api.health() },
        ControlRoute(.head, "health", usage: nil) { api, _ in api.health() },
    ]

    private func health() -> Response {
        json(.ok, ["status": "ok", "pbx_version": .string(server.pbxVersion.text), "answers_as": .string(server.release.version.text)])
    }

    /// A control request that cannot be carried out: the status and what to do.
    struct Failure: Error {
        var status: HTTPResponse.Status
        var message: String
        var headers: HTTPFields = [:]
    }

    let server: PBXServer
    /// The operations it shares with scenario timelines.
    var controls: PBXControls { PBXControls(server: server) }

    /// 405 with `Allow` when the path is a control route for other methods (docs/api.md), else 404;
    /// on the admin port, a path outside the control API.
    func notFound(_ request: Request) -> Failure {
        guard request.uri.path.hasPrefix(ControlAPI.prefix) else {
            return Failure(status: .notFound, message: "this port serves only the control API, under \(ControlAPI.prefix)")
        }
        let allowed = ControlAPI.methods(forPath: request.uri.path)
        if !allowed.isEmpty {
            return Failure(
                status: .methodNotAllowed,
                message: "\(request.uri.path) does not take \(request.method.rawValue); it takes \(allowed.joined(separator: ", "))",
                headers: [.allow: allowed.joined(separator: ", ")]
            )
        }
        return Failure(
            status: .notFound,
            message: "no control route \(request.method.rawValue) \(request.uri.path); routes: \(ControlAPI.routes.joined(separator: "; "))")
    }

    /// The methods the listed routes take at `path`, HEAD wherever GET; `ADDRESS` and `ID` stand for
    /// any one segment.
    static func methods(forPath path: String) -> [String] {
        guard path.hasPrefix(prefix) else { return [] }
        let route = String(path.dropFirst(prefix.count))
        var methods: [String] = []
        for entry in table where entry.usage != nil && entry.parameter(in: route) != nil && !methods.contains(entry.method.rawValue) {
            methods.append(entry.method.rawValue)
            if entry.method == .get, !methods.contains("HEAD") { methods.append("HEAD") }
        }
        return methods
    }

    func body(_ request: Request, limit: Int = 1 << 20) async throws -> [UInt8] {
        let tooLarge = Failure(
            status: .contentTooLarge, message: "the body is over the control API's limit of \(limit) bytes; send a smaller document")
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw tooLarge }
        var request = request
        do {
            return Array(try await request.collectBody(upTo: limit).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
    }

    /// The JSON object body, or an empty object when there is none.
    /// The JSON body; with `keys`, an object whose members are all among them (a misspelt key is
    /// refused, never read as "not given").
    func document(_ request: Request, keys: [String]? = nil) async throws -> JSONValue {
        try ControlAPI.parse(try await body(request), keys: keys)
    }

    static func parse(_ bytes: [UInt8], keys: [String]?) throws -> JSONValue {
        guard !bytes.isEmpty else { return [:] }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw Failure(status: .badRequest, message: "the body is not valid JSON: \(error)")
        }
        if let keys, case .object(let object) = value, let unknown = object.keys.first(where: { !keys.contains($0) }) {
            throw Failure(status: .badRequest, message: "unknown key '\(unknown)'; expected: \(keys.joined(separator: ", "))")
        }
        return value
    }

    func queryValue(_ request: Request, _ name: String) -> String? {
        FormEncoding.decode(request.uri.query ?? "")[name]
    }

    func string(_ body: JSONValue, _ request: Request, _ name: String) -> String? {
        body[name]?.stringValue ?? queryValue(request, name)
    }

    /// A number from the body or the query string, `nil` when absent; 400 when it is not a finite
    /// number within `range` (NaN, 1e300 and negative durations never reach the clock or a ban).
    func number(
        _ body: JSONValue, _ request: Request, _ name: String, in range: ClosedRange<Double>, unit: String = "seconds"
    ) throws -> Double? {
        let text: String
        if case .number(let n)? = body[name] {
            text = n.literal
        } else if let given = body[name]?.stringValue ?? queryValue(request, name) {
            text = given
        } else {
            return nil
        }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw Failure(
                status: .badRequest, message: "\(name) '\(text.prefix(40))' is not valid: expected \(InputLimits.describe(range, unit: unit))")
        }
        return value
    }

    func json(_ status: HTTPResponse.Status, _ body: JSONValue) -> Response {
        var bytes = body.serializedBytes()
        bytes.append(UInt8(ascii: "\n"))
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

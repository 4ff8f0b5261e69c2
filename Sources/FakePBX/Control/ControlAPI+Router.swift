import Foundation
import HTTPTypes
import Hummingbird
import JSONSchema
import Logging

extension ControlAPI {
    /// The control API as a Hummingbird router: every route of ``table`` on the `/__fakepbx` group,
    /// behind the admin check (``AdminCheck``), with failures, unknown routes and other methods
    /// answered as JSON (``ControlAnswers``). Serves the shared port's control paths and the whole
    /// `--admin-port` listener.
    static func responder(server: PBXServer) -> RouterResponder<PBXRequestContext> {
        let api = ControlAPI(server: server)
        let router = Router(context: PBXRequestContext.self)
        router.add(middleware: ControlAnswers(api: api))
        router.add(middleware: AdminCheck(access: server.controlAccess, logger: server.logger))
        let group = router.group(RouterPath(String(prefix.dropLast())))
        for route in table {
            // HEAD is answered wherever GET is, as GET without the body (``ControlAnswers``).
            for method in route.method == .get && !table.contains(where: { $0.method == .head && $0.path == route.path })
                ? [HTTPRequest.Method.get, .head] : [route.method]
            {
                group.on(route.routerPath, method: method) { request, context in
                    let call = ControlCall(
                        request: request, peer: context.peer, now: server.clock.now, parameter: context.parameters.get("parameter") ?? "")
                    return try await route.handle(api, call)
                }
            }
        }
        return router.buildResponder()
    }
}

extension ControlRoute {
    /// The path on the router: a wildcard segment (`ADDRESS`, `ID`) is the `parameter` parameter.
    var routerPath: RouterPath {
        RouterPath(path.split(separator: "/").map { $0 == "ADDRESS" || $0 == "ID" ? ":parameter" : String($0) }.joined(separator: "/"))
    }
}

/// With `--admin-token`, every control route but `GET /__fakepbx/health` needs
/// `Authorization: Bearer TOKEN`; with `--admin-allow`, only those addresses may use it.
struct AdminCheck: RouterMiddleware {
    typealias Context = PBXRequestContext
    let access: ControlAccess
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let request = Self.tokenFromQuery(request)
        let isHealth = request.uri.path == "\(ControlAPI.prefix)health" && (request.method == .get || request.method == .head)
        if !isHealth,
            let (status, message) = access.refusal(peer: context.peer, authorization: request.headers[.authorization])
                ?? access.browserRefusal(
                    request.head, isRoute: ControlAPI.methods(forPath: request.uri.path).contains(request.method.rawValue))
        {
            logger.notice("control API refused", metadata: ["client": "\(context.peer)", "path": "\(request.uri.path)"])
            throw ControlAPI.Failure(status: HTTPResponse.Status(code: status), message: message)
        }
        return try await next(request, context)
    }

    /// A browser cannot add a header to a page it opens or to an `EventSource`, so the dashboard
    /// passes the token as `?token=`: taken out of the query and checked as a bearer token.
    static func tokenFromQuery(_ request: Request) -> Request {
        guard let query = request.uri.query, query.contains("token="), request.headers[.authorization] == nil else { return request }
        var token: String?
        let kept = query.split(separator: "&").filter { pair in
            guard pair.hasPrefix("token=") else { return true }
            token = String(pair.dropFirst("token=".count)).removingPercentEncoding
            return false
        }
        guard let token else { return request }
        var head = request.head
        head.path = request.uri.path + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
        head.headerFields[.authorization] = "Bearer \(token)"
        return Request(head: head, body: request.body)
    }
}

/// Answers what a control route throws as JSON: a ``ControlAPI/Failure`` with its status, a path no
/// route serves with the list of routes (or 405 and `Allow` when other methods serve it), anything
/// else as 400.
struct ControlAnswers: RouterMiddleware {
    typealias Context = PBXRequestContext
    let api: ControlAPI

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // HEAD is GET without the body, on every route (RFC 9110 §9.3.2).
        let isHead = request.method == .head
        var response: Response
        do {
            response = try await next(request, context)
        } catch let failure as ControlAPI.Failure {
            response = answer(failure)
        } catch let error as HTTPError where error.status == .notFound {
            response = answer(api.notFound(request))
        } catch {
            response = answer(ControlAPI.Failure(status: .badRequest, message: "\(error)"))
        }
        // No other site may frame the dashboard (clickjacking); old browsers read X-Frame-Options.
        response.headers[.contentSecurityPolicy] = "frame-ancestors 'none'"
        response.headers[.xFrameOptions] = "DENY"
        // State that changes with every request: no cache may keep or reuse it.
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        // The GET answer's head, Content-Length included, and no body.
        return isHead ? response.createHeadResponse() : response
    }

    private func answer(_ failure: ControlAPI.Failure) -> Response {
        var response = api.json(failure.status, ["error": .string(failure.message)])
        response.headers.append(contentsOf: failure.headers)
        return response
    }
}

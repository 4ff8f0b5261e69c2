import ContractKit
import Foundation
import HTTPTypes
import Hummingbird
import JSONSchema
import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Thrown from a body writer to stop an answer part-way (truncation): Hummingbird then closes the
/// connection, so the client sees a body shorter than its Content-Length.
struct FaultCutConnection: Error {}

extension PBXResponder {
    /// Sends `answer`, bent by every fault that fired, as they stack: all latencies first; then a
    /// fault that cuts the connection (the first of them) leaves no answer for the others; else each
    /// fault that changes what the answer says, in the order they were added (a 503, then
    /// malformed-json garbles the 503's body), then how it is sent (truncate, else slow-drip). A
    /// faulted answer carries `X-FakePBX-Fault: ID, …` when it has headers at all. `answer` becomes
    /// the answer as sent, for the journal.
    func finish(_ answer: inout Answer, faults: [Fault], method: HTTPRequest.Method, path: String, context: PBXRequestContext) async -> Response {
        guard !faults.isEmpty || answer.outcome != nil else { return answer.response(method: method) }
        for fault in faults {
            if case .latency(let ms, let jitter) = fault.kind {
                let extra = jitter > 0 ? Int.random(in: 0...jitter) : 0
                try? await Task.sleep(for: .milliseconds(ms + extra))
            }
        }
        let ids = faults.map(\.id).joined(separator: ", ")
        if !faults.isEmpty { server.logger.debug("faults injected", metadata: ["faults": "\(ids)", "path": "\(path)"]) }
        // A fault's cut wins over a recorded one, which wins over the rest.
        if let cutting = faults.first(where: { $0.kind.cutsConnection })?.kind ?? answer.outcome.flatMap({ $0.0.faultKind(waited: $0.waited) }) {
            await cutting.cut(context.channel)
            return answer.response(method: method)
        }
        for fault in faults where !fault.kind.isLatency && !fault.kind.isDelivery && !fault.kind.isHandshake {
            answer = replaced(answer, by: fault, path: path)
        }
        if !faults.isEmpty { answer.headers[.fakePBXFault] = ids }
        let delivery = faults.first { if case .truncate = $0.kind { true } else { false } } ?? faults.first { $0.kind.isDelivery }
        if let delivery {
            answer.materialize()
            return sentBadly(answer, delivery.kind, method: method)
        }
        guard answer.outcome?.0 == .brokeOff, method != .head else { return answer.response(method: method) }
        // A recorded answer that broke off: what arrived of it, chunked, then the connection closes
        // before the last chunk, so the client sees it cut short.
        answer.materialize()
        let arrived = answer.body
        return Response(
            status: answer.status, headers: answer.headers,
            body: ResponseBody { writer in
                if !arrived.isEmpty { try await writer.write(ByteBuffer(bytes: arrived)) }
                throw FaultCutConnection()
            })
    }

    /// How the connection ended without a whole answer, if it did: by the first fault that cuts it
    /// or cuts the answer short (a truncation shorter than the body's `length`), else as the recorded
    /// exchange ended.
    static func ending(_ faults: [Fault], _ answer: Answer, length: Int?) -> ConnectionOutcome? {
        for fault in faults {
            switch fault.kind {
            case .reset: return .reset
            case .emptyReply: return .closed
            case .hang: return .timeout
            default: continue
            }
        }
        if faults.contains(where: { if case .truncate(let bytes) = $0.kind { bytes < (length ?? Int.max) } else { false } }) { return .brokeOff }
        return answer.outcome?.0
    }

    /// The answer a fault puts in place of the script's: another status, a corrupted body, the login
    /// page or its redirect, another Content-Type or version.
    private func replaced(_ answer: Answer, by fault: Fault, path: String) -> Answer {
        var answer = answer
        switch fault.kind {
        case .status(let code, let body):
            let status = HTTPResponse.Status(code: code)
            if let body {
                answer = Answer(
                    status: status, headers: [.contentType: "text/plain; charset=utf-8", .fakePBXFault: fault.id], body: Array(body.utf8))
            } else {
                let (name, detail) = PBXResponder.faultMessage(code)
                answer = pipeline.render(APIError(status, name, detail), envelope: server.catalog.endpoint(for: path)?.envelope ?? .standard)
                answer.headers[.fakePBXFault] = fault.id
            }
            // HTTP gives these no body (RFC 9110 §15.3.5, §15.4.5): one sent anyway would be read as
            // the start of the next answer.
            if code == 204 || code == 304 {
                answer.body = []
                answer.headers[.contentType] = nil
            }
            if code == 429 { answer.headers[.retryAfter] = "60" }
            if code == 302 || code == 301 { answer.headers[.location] = PBXResponder.loginLocation(path) }
        case .malformedJSON:
            // Half the document, then a stray fragment: no JSON parser accepts it.
            answer.materialize()
            answer.body = Array(answer.body.prefix(max(1, answer.body.count / 2))) + Array(#"",,"}{"#.utf8)
        case .loginPage:
            answer = Answer(
                status: .ok,
                headers: [.contentType: "text/html; charset=UTF-8", .setCookie: PBXResponder.newSessionCookie(), .fakePBXFault: fault.id],
                body: Array(PBXResponder.loginPage.utf8)
            )
        case .loginRedirect:
            answer = Answer(
                status: .found,
                headers: [
                    .location: PBXResponder.loginLocation(path), .contentType: "text/html; charset=UTF-8",
                    .setCookie: PBXResponder.newSessionCookie(), .fakePBXFault: fault.id,
                ],
                body: []
            )
        case .contentType(let type):
            answer.headers[.contentType] = type
        case .version(let version):
            answer.materialize()
            if case .object(var object)? = try? JSONParser.parse(answer.body) {
                for key in ["version", "pbx_version"] where object[key] != nil { object[key] = .string(version) }
                answer.body = JSONValue.object(object).serializedBytes()
            }
        case .latency, .handshake, .truncate, .slowDrip, .emptyReply, .reset, .hang:
            break
        }
        return answer
    }

    /// The answer's body cut short under its full Content-Length, or dripped a little at a time.
    private func sentBadly(_ answer: Answer, _ kind: Fault.Kind, method: HTTPRequest.Method) -> Response {
        let body = answer.body
        if case .truncate(let bytes) = kind {
            let cut = min(bytes, body.count)
            return Response(
                status: answer.status, headers: answer.headers,
                body: ResponseBody(contentLength: body.count) { writer in
                    if cut > 0 { try await writer.write(ByteBuffer(bytes: body.prefix(cut))) }
                    throw FaultCutConnection()
                })
        }
        guard case .slowDrip(let rate) = kind else { return answer.response(method: method) }
        let chunk = max(1, rate / 10)
        return Response(
            status: answer.status, headers: answer.headers,
            body: ResponseBody(contentLength: body.count) { writer in
                var offset = 0
                while offset < body.count {
                    let end = min(body.count, offset + chunk)
                    try await writer.write(ByteBuffer(bytes: body[offset..<end]))
                    offset = end
                    if offset < body.count { try await Task.sleep(for: .milliseconds(100)) }
                }
                try await writer.finish(nil)
            })
    }

    /// The error name and a realistic detail for an injected status (the troubleshooting page's texts).
    static func faultMessage(_ code: Int) -> (String, String) {
        switch code {
        case 400: ("Invalid Request", "Malformed request data")
        case 401: ("Authentication Failed", "Invalid credentials")
        case 403: ("API Access Denied", "Only whitelisted IPs may access this endpoint.")
        case 404: ("Endpoint not found", "the requested script does not exist")
        case 429: ("Rate Limited", "Too many requests")
        case 503: ("Server Error", "FreeSWITCH not responding")
        default: ("Server Error", "Unable to connect to database")
        }
    }

    /// Where FusionPBX sends a caller that is not logged in: `/?path=<the original path>`.
    static func loginLocation(_ path: String) -> String {
        "/?path=" + (path.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=?/"))) ?? path)
    }

    /// FusionPBX's login page as an app page without credentials gets it, at the same URL
    /// (core/authentication/resources/views/login.htm at 5.4.4, rendered with the stock theme and
    /// trimmed of its scripts and styles): single-quoted attributes, `<form method='post' name='frm'
    /// action=''>` inside `<div id='default_login'>`.
    static let loginPage = """
        <!DOCTYPE html>
        <html xmlns='http://www.w3.org/1999/xhtml' xml:lang='en' lang='en'>
        	<head>
        		<meta charset='utf-8' />
        		<meta http-equiv='Content-Type' content='text/html; charset=UTF-8' />
        		<meta name='viewport' content='width=device-width, initial-scale=1.0, maximum-scale=1.0, user-scalable=no' />
        		<link rel='stylesheet' type='text/css' href='/themes/default/css.php' />
        		<title>Login</title>
        	</head>
        	<body>
        		<div id='background-image'></div>
        		<div id='background-color'></div>
        		<div id='page' align='center'>
        			<div id='message_container'></div>
        			<div id='default_login'>
        				<a href='/'><img id='login_logo' style='width: auto; height: auto;' src='/themes/default/images/logo_login.png' /></a><br />
        				<form method='post' name='frm' action=''>
        					<div class='login_text'>
        						<input type='text' class='txt login' style='text-align: center; min-width: 200px; width: 200px; margin-bottom: 8px;' name='username' id='username' placeholder="Username" /><br />
        						<input type='password' class='txt login' style='text-align: center; min-width: 200px; width: 200px; margin-bottom: 8px;' name='password' placeholder="Password" /><br />
        					</div>
        					<div>
        						<input type='submit' id='btn_login' class='btn' style='width: 100px; margin-top: 15px;' value='Login' /><br />
        					</div>
        				</form>
        			</div>
        		</div>
        	</body>
        </html>

        """

    /// A new PHP session, as the login page and the failed login's redirect set it: `PHPSESSID`, 26
    /// characters of PHP's default session alphabet (`session.sid_bits_per_character = 5`).
    static func newSessionCookie() -> String {
        let alphabet = Array("0123456789abcdefghijklmnopqrstuv")
        let id = String((0..<26).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
        return "PHPSESSID=\(id); path=/; HttpOnly"
    }
}

extension HTTPField.Name {
    /// Names the faults applied to an answer, for whoever reads the traffic.
    static let fakePBXFault = HTTPField.Name("X-FakePBX-Fault")!
}

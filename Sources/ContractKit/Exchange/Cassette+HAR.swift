import Foundation
import JSONSchema
import MultipartKit
import NIOHTTP1

/// HAR 1.2 (the HTTP Archive format browsers, Charles, Fiddler and mitmproxy write): a cassette
/// written as HAR, and a HAR read as a cassette.
extension Cassette {
    /// The cassette as a HAR 1.2 log: one entry per exchange, with its request (headers, query,
    /// form as `postData.params`) and answer (headers, body as `content.text`). Hosts are not kept in
    /// cassettes; URLs use the `Host` header, else `localhost`.
    public var har: JSONValue {
        [
            "log": [
                "version": "1.2",
                "creator": ["name": "fakepbx", "version": "0.1.0"],
                "comment": .string([name, description, source].filter { !$0.isEmpty }.joined(separator: "; ")),
                "entries": .array(exchanges.map(Self.harEntry)),
            ]
        ]
    }

    private static func harEntry(_ exchange: Exchange) -> JSONValue {
        let request = exchange.request
        let host = request.headers["host"] ?? "localhost"
        var harRequest: JSONObject = [
            "method": .string(request.method), "url": .string("http://\(host)\(request.path)\(request.query.isEmpty ? "" : "?" + request.query)"),
            "httpVersion": "HTTP/1.1", "cookies": [], "headers": nameValues(request.headers),
            "queryString": nameValues(FormEncoding.decode(request.query)), "headersSize": -1, "bodySize": -1,
        ]
        if request.hasBody {
            let (mimeType, text) = postText(request)
            harRequest["postData"] = ["mimeType": .string(mimeType), "params": nameValues(request.form), "text": .string(text)]
            harRequest["bodySize"] = .int(text.utf8.count)
        }
        let milliseconds = exchange.timing?.durationMilliseconds ?? 0
        var entry: JSONObject = [
            "startedDateTime": .string(exchange.timing?.startedAt ?? "1970-01-01T00:00:00Z"), "time": .double(milliseconds),
            "request": .object(harRequest), "cache": [:],
            "timings": ["send": 0, "wait": .double(milliseconds), "receive": 0],
            "comment": .string(exchange.name),
        ]
        guard let response = exchange.response else {
            // No answer (a cut connection): status 0 and what happened in `_error`, as Chromium writes it.
            entry["response"] = harResponse(status: 0, headers: [:], text: nil, error: exchange.outcome)
            return .object(entry)
        }
        let text: String? =
            switch response.body {
            case .empty: nil
            case .json(let value): value.serialized()
            case .text(let text): text
            }
        entry["response"] = harResponse(
            status: response.status, headers: response.headers, text: text, cutFrom: response.cutFrom, error: exchange.outcome)
        return .object(entry)
    }

    /// The request's form as a body of the type it was sent as: a JSON object (of the fields'
    /// string values), multipart by its boundary, or urlencoded for anything else.
    private static func postText(_ request: ExchangeRequest) -> (mimeType: String, text: String) {
        let declared = request.headers["content-type"] ?? ""
        let pairs = request.form.sorted { $0.key < $1.key }
        switch declared.prefix { $0 != ";" }.trimmingSpaces().lowercased() {
        case "application/json":
            var object = JSONObject()
            for (name, value) in pairs { object[name] = .string(value) }
            return (declared, JSONValue.object(object).serialized())
        case "multipart/form-data":
            let boundary = declared.firstMatch(of: /(?i)boundary="?([^";]+)"?/).map { String($0.1) } ?? "fakepbx-form-boundary"
            let parts = pairs.map { name, value in
                MultipartPart(headers: ["Content-Disposition": "form-data; name=\"\(name)\""], body: value)
            }
            if let text = try? MultipartSerializer().serialize(parts: parts, boundary: boundary) {
                return ("multipart/form-data; boundary=\(boundary)", text)
            }
            fallthrough
        default:
            return ("application/x-www-form-urlencoded", FormEncoding.encode(pairs.map { ($0.key, $0.value) }))
        }
    }

    /// A HAR response; `cutFrom` is the size the body had when `text` is only its start (-1: not known).
    private static func harResponse(
        status: Int, headers: [String: String], text: String?, cutFrom: Int? = nil, error: ConnectionOutcome? = nil
    ) -> JSONValue {
        let kept = text?.utf8.count ?? 0
        let size = cutFrom ?? kept  // -1, HAR's "not known", for a streamed answer
        var content: JSONObject = ["size": .int(max(size, kept)), "mimeType": .string(headers["content-type"] ?? "")]
        if let text { content["text"] = .string(text) }
        if let cutFrom {
            content["comment"] = .string(
                "cut: the text is the first \(kept) bytes of the body" + (cutFrom < 0 ? " (it streamed; its size is not known)" : " of \(cutFrom)"))
        }
        let reason = status == 0 ? "" : HTTPResponseStatus(statusCode: status).reasonPhrase
        var response: JSONObject = [
            "status": .int(status), "statusText": .string(reason), "httpVersion": "HTTP/1.1", "cookies": [], "headers": nameValues(headers),
            "content": .object(content), "redirectURL": .string(headers["location"] ?? ""), "headersSize": -1, "bodySize": .int(size),
        ]
        if let error { response["_error"] = .string(error.harError) }
        return .object(response)
    }

    private static func nameValues(_ map: [String: String]) -> JSONValue {
        .array(map.sorted { $0.key < $1.key }.map { ["name": .string($0.key), "value": .string($0.value)] })
    }

    /// Reads a HAR log (from a browser or a proxy) as a cassette: each entry's method, path, query,
    /// headers and form (`postData.params`, or its urlencoded or flat-JSON `text`), and its answer
    /// (`content.text`, base64 decoded when so marked). An entry with status 0 (no answer) keeps no
    /// response. Errors name the entry by its JSON pointer.
    public init(har document: JSONValue, file: String) throws(ContractError) {
        let root = JSONReader(document, file: file, code: .invalidCassette)
        let log = try root.required("log")
        let version = try log.required("version").string()
        guard version.hasPrefix("1.") else {
            throw log.error("HAR version '\(version)' is not one this fakepbx reads; expected 1.1 or 1.2", at: "version")
        }
        name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        description = try log.member("comment")?.string() ?? ""
        source = "imported from \(file)"
        exchanges = []
        for (index, entry) in try log.required("entries").array().enumerated() {
            exchanges.append(try Cassette.exchange(har: entry, index: index))
        }
    }

    private static func exchange(har entry: JSONReader, index: Int) throws(ContractError) -> Exchange {
        let request = try entry.required("request")
        let url = try request.required("url").string()
        guard let components = URLComponents(string: url), !components.path.isEmpty || components.host != nil else {
            throw request.error("'\(url)' is not a URL", at: "url")
        }
        // What a cassette can replay: an http(s) request to a path on the server (a browser's HAR also
        // holds javascript:, data: and extension URLs; remove those entries).
        guard ["http", "https"].contains(components.scheme?.lowercased() ?? ""), components.path.isEmpty || components.path.hasPrefix("/"),
            !components.path.split(separator: "/").contains(where: { $0 == ".." || $0 == "." })
        else {
            throw request.error("'\(url)' is not an http:// or https:// URL of a path a server answers; remove the entry", at: "url")
        }
        let method = try request.required("method").string()
        let headers = try Self.headers(request.required("headers"))
        var form: [String: String] = [:]
        if let post = try request.member("postData") {
            if let params = try post.member("params"), !(try params.array().isEmpty) {
                for param in try params.array() { form[try param.required("name").string()] = try param.member("value")?.string() ?? "" }
            } else if let text = try post.member("text")?.string() {
                let mime = (try post.member("mimeType")?.string() ?? "").lowercased()
                if mime.hasPrefix("multipart/form-data") {
                    // A browser's FormData: read by its boundary, from the MIME type or else the request's Content-Type.
                    let type = mime.contains("boundary=") ? try post.required("mimeType").string() : headers["content-type"]
                    do {
                        form = RequestForm.fields(try RequestForm.bodyPairs(Array(text.utf8), contentType: type))
                    } catch {
                        throw post.error("the multipart body cannot be read (\(error)); export the HAR with its request bodies whole", at: "text")
                    }
                } else if mime.contains("json"), case .object(let object)? = try? JSONParser.parse(Array(text.utf8)) {
                    for member in object { form[member.key] = member.value.stringValue ?? member.value.serialized() }
                } else {
                    form = FormEncoding.decode(text)
                }
            }
        }
        let harResponse = try entry.required("response")
        let status = try harResponse.required("status").int()
        var response: ExchangeResponse?
        // Chromium's DevTools write `_error`, Playwright `_failureText`.
        var failure = try harResponse.member("_error")?.string()
        if failure == nil { failure = try harResponse.member("_failureText")?.string() }
        let outcome = failure.flatMap(ConnectionOutcome.init(harError:))
        if status != 0 {
            guard (100...599).contains(status) else { throw harResponse.error("\(status) is not an HTTP status", at: "status") }
            let content = try harResponse.required("content")
            var bytes = Array((try content.member("text")?.string() ?? "").utf8)
            if try content.member("encoding")?.string() == "base64" {
                guard let decoded = Data(base64Encoded: String(decoding: bytes, as: UTF8.self)) else {
                    throw content.error("the text is marked base64 but is not", at: "text")
                }
                bytes = Array(decoded)
            }
            response = ExchangeResponse(status: status, headers: try Self.headers(harResponse.required("headers")), bytes: bytes)
        }
        let started = try entry.required("startedDateTime").string()
        let time = try entry.required("time")
        guard case .number(let milliseconds) = time.value else { throw time.error("expected a number of milliseconds") }
        return Exchange(
            name: try entry.member("comment")?.string() ?? "\(method) \(components.path)",
            note: "entry \(index + 1) of the HAR",
            request: ExchangeRequest(
                method: method, path: components.path.isEmpty ? "/" : components.path, query: components.percentEncodedQuery ?? "",
                headers: headers, form: form
            ),
            response: response,
            outcome: response == nil ? outcome : (outcome == .brokeOff ? outcome : nil),
            timing: Exchange.Timing(startedAt: started, durationMilliseconds: max(0, milliseconds.doubleValue))
        )
    }

    private static func headers(_ list: JSONReader) throws(ContractError) -> [String: String] {
        var pairs: [(String, String)] = []
        for header in try list.array() {
            pairs.append((try header.required("name").string(), try header.required("value").string()))
        }
        // HTTP/2 pseudo-headers (":authority") are not headers of the request.
        return Exchange.headerMap(pairs.filter { !$0.0.hasPrefix(":") })
    }
}

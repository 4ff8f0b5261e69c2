import ContractKit
import HTTPTypes
import JSONSchema

/// An answer as it was sent, kept with its journal entry for the dashboard and the journal's HAR:
/// the status, the headers fakepbx set and the start of the body. Kept as sent and redacted when
/// read, as the entry's fields are.
public struct JournalAnswer: Sendable {
    /// Bytes of a body kept; a larger body keeps its first this many (``isWhole`` is false).
    public static let bodyLimit = 16_384

    public var status: Int
    /// The headers fakepbx set (Content-Length and Date are the server's and not among them).
    public var headers: HTTPFields
    /// The body sent, or its first ``bodyLimit`` bytes.
    public var body: [UInt8]
    /// Whether ``body`` is all of the body that was sent.
    public var isWhole: Bool

    /// `answer` as sent: `sentBytes` of its body (fewer when a fault cut it; nil when it streamed).
    init(_ answer: Answer, sentBytes: Int?, isHead: Bool) {
        status = answer.status.code
        headers = answer.headers
        let sent = isHead ? 0 : min(sentBytes ?? answer.body.count, answer.body.count)
        let kept = min(sent, Self.bodyLimit)
        // The common case keeps the answer's own array: no copy on the way out.
        body = kept == answer.body.count ? answer.body : Array(answer.body.prefix(kept))
        isWhole = isHead || (answer.rest == nil && kept == (sentBytes ?? answer.body.count))
    }

    /// The answer as a cassette's response, secrets redacted as the journal shows fields: values of
    /// secret-named members and headers, and credential-shaped text anywhere.
    var shown: ExchangeResponse {
        // A repeated header (Set-Cookie) keeps every value, joined as exchanges keep them.
        let headerMap = Exchange.headerMap(headers.map { ($0.name.canonicalName, SecretNames.shown($0.value, name: $0.name.canonicalName)) })
        var response = ExchangeResponse(status: status, headers: headerMap, bytes: isWhole ? body : [])
        if !isWhole, !body.isEmpty { response.body = .text(String(decoding: body, as: UTF8.self)) }
        switch response.body {
        case .json(let value): response.body = .json(value.mappingStrings { SecretNames.shown($0, name: $1 ?? "") })
        case .text(let text): response.body = .text(SecretNames.shown(text, name: ""))
        case .empty: break
        }
        return response
    }

    /// The answer for `GET /__fakepbx/journal/SEQUENCE`: status, headers, the body (JSON as JSON),
    /// and whether it is whole.
    var json: JSONValue {
        let response = shown
        var headerObject = JSONObject()
        for name in response.headers.keys.sorted() { headerObject[name] = .string(response.headers[name]!) }
        let body: JSONValue =
            switch response.body {
            case .json(let value): value
            case .text(let text): .string(text)
            case .empty: .null
            }
        return [
            "status": .int(status), "headers": .object(headerObject), "body": body,
            "body_is_json": .bool({ if case .json = response.body { true } else { false } }()), "whole": .bool(isWhole),
        ]
    }
}

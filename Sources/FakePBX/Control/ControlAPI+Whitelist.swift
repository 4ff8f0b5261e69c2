import Hummingbird
import JSONSchema

extension ControlAPI {
    /// The API whitelist: read it, replace it, add an entry.
    static let whitelistRoutes: [ControlRoute] = [
        ControlRoute(.get, "whitelist") { api, _ in api.json(.ok, api.whitelistJSON()) },
        ControlRoute(.put, "whitelist", usage: "PUT /__fakepbx/whitelist {entries} or chkcon_whitelist.conf text") { api, call in
            let bytes = try await api.body(call.request)
            let whitelist: Whitelist
            if call.request.headers[.contentType]?.hasPrefix("application/json") == true {
                let document = try ControlAPI.parse(bytes, keys: ["entries"])
                guard let items = document["entries"]?.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                    throw Failure(
                        status: .badRequest,
                        message: "give the whole list as {\"entries\": [\"127.0.0.1\", \"203.0.113.0/24\"]} (an empty list denies everyone)")
                }
                whitelist = try Whitelist(parsing: items.compactMap(\.stringValue).joined(separator: "\n"), source: "PUT /__fakepbx/whitelist")
            } else {
                whitelist = try Whitelist(parsing: String(decoding: bytes, as: UTF8.self), source: "PUT /__fakepbx/whitelist")
            }
            api.server.access.replaceWhitelist(whitelist)
            return api.json(.ok, api.whitelistJSON())
        },
        ControlRoute(.post, "whitelist", usage: "POST /__fakepbx/whitelist {entry}") { api, call in
            let body = try await api.document(call.request, keys: ["entry"])
            guard let entry = api.string(body, call.request, "entry"), let block = CIDRBlock(entry) else {
                throw Failure(status: .badRequest, message: "give an IP address or CIDR block, e.g. {\"entry\": \"203.0.113.0/24\"}")
            }
            api.server.access.addToWhitelist(block)
            return api.json(.ok, api.whitelistJSON())
        },
    ]

    private func whitelistJSON() -> JSONValue {
        ["entries": .array(server.access.whitelist.entries.map { .string($0.description) })]
    }
}

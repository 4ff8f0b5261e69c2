import Foundation
import Hummingbird
import JSONSchema

extension ControlAPI {
    /// Injected faults: list, add (one or a list), remove one or all.
    static let faultRoutes: [ControlRoute] = [
        ControlRoute(.get, "faults") { api, _ in api.json(.ok, api.faultsJSON()) },
        ControlRoute(.post, "faults", usage: "POST /__fakepbx/faults {type, ..., match, when} (or a list)") { api, call in
            let body = try await api.document(call.request)
            let items: [JSONValue] = body.arrayValue ?? [body]
            var added: [Fault] = []
            let existing = api.server.faults.list.count
            for (index, item) in items.enumerated() {
                do {
                    added.append(try Fault(item, pointer: body.arrayValue == nil ? "" : "/\(index)", now: call.now, index: existing + index))
                } catch {
                    throw Failure(status: .badRequest, message: "\(error)")
                }
            }
            api.controls.addFaults(added)
            return api.json(.ok, api.faultsJSON())
        },
        ControlRoute(.delete, "faults/ID") { api, call in
            let id = call.parameter
            let removed = api.controls.removeFault(id: id.removingPercentEncoding ?? id)
            return api.json(removed ? .ok : .notFound, removed ? api.faultsJSON() : ["error": .string("no fault with id '\(id)'")])
        },
        ControlRoute(.delete, "faults") { api, _ in
            api.controls.clearFaults()
            return api.json(.ok, api.faultsJSON())
        },
    ]

    func faultsJSON() -> JSONValue {
        [
            "faults": .array(
                server.faults.list.map { entry in
                    guard case .object(var object) = entry.fault.json else { return entry.fault.json }
                    object["matched"] = .int(entry.matched)
                    object["fired"] = .int(entry.fired)
                    return .object(object)
                })
        ]
    }
}

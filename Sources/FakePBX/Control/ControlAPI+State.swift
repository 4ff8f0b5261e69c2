import Foundation
import Hummingbird
import JSONSchema
import NIOCore

extension ControlAPI {
    /// The tenant data, and resetting everything a test run changes.
    static let stateRoutes: [ControlRoute] = [
        ControlRoute(.get, "state") { api, _ in
            let data = try api.server.store.snapshot.encodedJSON()
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        },
        ControlRoute(.put, "state", usage: "PUT /__fakepbx/state (a dataset)") { api, call in
            let dataset = try Dataset.decode(Data(try await api.body(call.request, limit: 256 << 20)), source: "PUT /__fakepbx/state")
            try api.server.store.write { $0 = dataset }
            return api.json(.ok, ["status": "state replaced", "domains": .int(dataset.domains.count), "cdrs": .int(dataset.cdrs.count)])
        },
    ]

    /// `POST /__fakepbx/reset`: listed last, after every other resource.
    static let resetRoutes: [ControlRoute] = [
        ControlRoute(.post, "reset", usage: "POST /__fakepbx/reset?dataset=keep|initial") { api, call in
            let body = try await api.document(call.request, keys: ["dataset"])
            let dataset = api.string(body, call.request, "dataset") ?? "keep"
            guard ["keep", "initial"].contains(dataset) else {
                throw Failure(
                    status: .badRequest,
                    message:
                        "dataset '\(dataset)' is not valid; expected keep (the default: tenant changes stay) or initial (the dataset the server started with)"
                )
            }
            let server = api.server
            server.journal.clear()
            server.timeline.reset()
            server.faults.removeAll()
            server.policies.rateLimiter.reset()
            server.policies.jails.reset()
            server.clientVerifier?.clear()
            server.virtualClock.reset()
            if dataset == "initial" {
                server.store.restoreInitial()
                return api.json(
                    .ok,
                    [
                        "status":
                            "scenario steps, faults, counters, bans, violations, the journal and the clock reset; the dataset is the one the server started with",
                        "dataset": "initial",
                    ])
            }
            return api.json(
                .ok,
                [
                    "status":
                        "scenario steps, faults, counters, bans, violations, the journal and the clock reset; tenant data kept (add ?dataset=initial to return to the dataset the server started with)",
                    "dataset": "kept",
                ])
        }
    ]
}

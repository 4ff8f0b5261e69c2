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
        ControlRoute(.post, "reset", usage: "POST /__fakepbx/reset?dataset=keep|initial&keep=journal") { api, call in
            let body = try await api.document(call.request, keys: ["dataset", "keep"])
            let dataset = api.string(body, call.request, "dataset") ?? "keep"
            guard ["keep", "initial"].contains(dataset) else {
                throw Failure(
                    status: .badRequest,
                    message:
                        "dataset '\(dataset)' is not valid; expected keep (the default: tenant changes stay) or initial (the dataset the server started with)"
                )
            }
            let keep = api.string(body, call.request, "keep")
            guard keep == nil || keep == "journal" else {
                throw Failure(
                    status: .badRequest, message: "keep '\(keep!)' is not valid; the one thing a reset can keep is the journal (keep=journal)")
            }
            var reset = api.controls.restart(journal: keep == nil)
            if dataset == "initial" {
                api.server.store.restoreInitial()
                reset.append("dataset")
            }
            return api.json(
                .ok,
                [
                    "status": .string(
                        "back to the state the server started in: \(reset.joined(separator: ", "))"
                            + (dataset == "initial"
                                ? "" : "; tenant data kept (add ?dataset=initial to return to the dataset the server started with)")),
                    "reset": .array(reset.map(JSONValue.string)),
                    "dataset": .string(dataset == "initial" ? "initial" : "kept"),
                    "journal": .string(keep == nil ? "cleared" : "kept"),
                ])
        }
    ]
}

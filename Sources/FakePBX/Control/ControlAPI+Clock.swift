import Hummingbird
import JSONSchema

extension ControlAPI {
    /// The virtual clock: read it, freeze, resume, advance, set or reset it.
    static let clockRoutes: [ControlRoute] = [
        ControlRoute(.get, "clock") { api, _ in api.json(.ok, api.clockJSON()) },
        ControlRoute(.post, "clock/freeze") { api, call in
            _ = try await api.document(call.request, keys: clockKeys)
            return api.clockChanged(.freeze, call)
        },
        ControlRoute(.post, "clock/resume") { api, call in
            _ = try await api.document(call.request, keys: clockKeys)
            return api.clockChanged(.resume, call)
        },
        ControlRoute(.post, "clock/advance", usage: "POST /__fakepbx/clock/advance {seconds}") { api, call in
            let body = try await api.document(call.request, keys: clockKeys)
            guard let seconds = try api.number(body, call.request, "seconds", in: InputLimits.seconds) else {
                throw Failure(status: .badRequest, message: "give the seconds to advance, e.g. {\"seconds\": 3600}")
            }
            return api.clockChanged(.advance(seconds), call)
        },
        ControlRoute(.post, "clock/set", usage: "POST /__fakepbx/clock/set {time | epoch}") { api, call in
            let body = try await api.document(call.request, keys: clockKeys)
            if let epoch = try api.number(body, call.request, "epoch", in: InputLimits.epoch) {
                return api.clockChanged(.set(epoch), call)
            } else if let text = api.string(body, call.request, "time") {
                guard let epoch = Timestamp.parseISO8601(text) else {
                    throw Failure(
                        status: .badRequest,
                        message: "time '\(text)' is not a time such as 2026-11-23T12:00:00Z or 2026-11-23T13:00:00+01:00 (whole seconds)")
                }
                return api.clockChanged(.set(epoch), call)
            }
            throw Failure(status: .badRequest, message: "give {\"time\": \"2026-11-23T12:00:00Z\"} or {\"epoch\": 1795435200}")
        },
        ControlRoute(.post, "clock/reset") { api, call in
            _ = try await api.document(call.request, keys: clockKeys)
            return api.clockChanged(.reset, call)
        },
    ]

    private static let clockKeys = ["seconds", "epoch", "time"]

    /// Changes the clock (``PBXControls/clock(_:by:)``) and answers it.
    private func clockChanged(_ change: PBXControls.ClockChange, _ call: ControlCall) -> Response {
        controls.clock(change, by: .controlAPI(peer: call.peer))
        return json(.ok, clockJSON())
    }

    func clockJSON() -> JSONValue {
        let now = server.clock.now
        return [
            "now": .string(Timestamp.iso8601(Int(now))), "epoch": .double((now * 1000).rounded() / 1000),
            "frozen": .bool(server.virtualClock.isFrozen),
        ]
    }
}

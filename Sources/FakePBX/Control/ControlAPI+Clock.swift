import Hummingbird
import JSONSchema

extension ControlAPI {
    /// The virtual clock: read it, freeze, resume, advance, set or reset it.
    static let clockRoutes: [ControlRoute] = [
        ControlRoute(.get, "clock") { api, _ in api.json(.ok, api.clockJSON()) },
        ControlRoute(.post, "clock/freeze") { api, call in
            _ = try await api.document(call.request, keys: clockKeys)
            api.server.virtualClock.freeze()
            return api.clockChanged("freeze", call)
        },
        ControlRoute(.post, "clock/resume") { api, call in
            _ = try await api.document(call.request, keys: clockKeys)
            api.server.virtualClock.resume()
            return api.clockChanged("resume", call)
        },
        ControlRoute(.post, "clock/advance", usage: "POST /__fakepbx/clock/advance {seconds}") { api, call in
            let body = try await api.document(call.request, keys: clockKeys)
            guard let seconds = try api.number(body, call.request, "seconds", in: InputLimits.seconds) else {
                throw Failure(status: .badRequest, message: "give the seconds to advance, e.g. {\"seconds\": 3600}")
            }
            api.server.virtualClock.advance(by: seconds)
            return api.clockChanged("advance", call)
        },
        ControlRoute(.post, "clock/set", usage: "POST /__fakepbx/clock/set {time | epoch}") { api, call in
            let body = try await api.document(call.request, keys: clockKeys)
            if let epoch = try api.number(body, call.request, "epoch", in: InputLimits.epoch) {
                api.server.virtualClock.set(to: epoch)
            } else if let text = api.string(body, call.request, "time"), let epoch = Timestamp.parseISO8601(text) {
                api.server.virtualClock.set(to: epoch)
            } else {
                throw Failure(status: .badRequest, message: "give {\"time\": \"2026-11-23T12:00:00Z\"} or {\"epoch\": 1795435200}")
            }
            return api.clockChanged("set", call)
        },
        ControlRoute(.post, "clock/reset") { api, call in
            _ = try await api.document(call.request, keys: clockKeys)
            api.server.virtualClock.reset()
            return api.clockChanged("reset", call)
        },
    ]

    private static let clockKeys = ["seconds", "epoch", "time"]

    /// Journals a clock change, lets the scenario steps that are now due fire, and answers the clock.
    private func clockChanged(_ action: String, _ call: ControlCall) -> Response {
        let now = server.clock.now
        server.journal.event("clock", client: call.peer, time: now, detail: "clock \(action) through the control API; now \(Timestamp.iso8601(Int(now)))")
        server.timeline.tick(server)
        return json(.ok, clockJSON())
    }

    func clockJSON() -> JSONValue {
        let now = server.clock.now
        return ["now": .string(Timestamp.iso8601(Int(now))), "epoch": .double((now * 1000).rounded() / 1000), "frozen": .bool(server.virtualClock.isFrozen)]
    }
}

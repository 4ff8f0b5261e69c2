import HTTPTypes
import JSONSchema

extension Endpoint {
    /// `status/index.php`: live counts from the model. Documented (POST); GET answers the same.
    static let status = Endpoint(
        "/app/status/index.php", app: .status, rateClass: .standard, methods: [.get, .post], provenance: .documented
    ) { _, server in
        let counts = server.store.statusCounts
        let now = server.clock.now
        // Written straight to bytes, in the order the success envelope gives (this is the endpoint
        // monitoring polls most): the same document as `.success(...)` would serialise.
        let sink = ByteSink(capacity: 256)
        sink.append(#"{"status":"success","message":"System operational","timestamp":"# as StaticString)
        ByteText.jsonString(Timestamp.iso8601(Int(now)), into: sink)
        sink.append(#","version":"# as StaticString)
        ByteText.jsonString(server.pbxVersion.text, into: sink)
        sink.append(#","uptime":"# as StaticString)
        ByteText.jsonString(Uptime.describe(seconds: Int(now - server.startEpoch)), into: sink)
        sink.append(#","active_calls":"# as StaticString)
        sink.append(counts.activeCalls)
        sink.append(#","total_extensions":"# as StaticString)
        sink.append(counts.extensions)
        sink.append(#","registered_extensions":"# as StaticString)
        sink.append(counts.registered(at: Int(now)))
        sink.append(UInt8(ascii: "}"))
        return EndpointResponse(contentType: "application/json", body: sink.bytes)
    }
}

/// Uptime in the documented style, `7 days, 3 hours`.
enum Uptime {
    static func describe(seconds: Int) -> String {
        let total = max(0, seconds)
        let days = total / 86_400
        let hours = (total % 86_400) / 3_600
        return "\(days) \(days == 1 ? "day" : "days"), \(hours) \(hours == 1 ? "hour" : "hours")"
    }
}

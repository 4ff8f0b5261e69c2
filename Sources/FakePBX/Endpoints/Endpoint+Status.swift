import HTTPTypes
import JSONSchema

extension Endpoint {
    /// `status/index.php`: live counts from the model. Documented (POST); GET answers the same.
    static let status = Endpoint(
        "/app/status/index.php", app: .status, methods: [.get, .post], provenance: .documented
    ) { _, server in
        let epoch = server.clock.epochSeconds
        let counts = try server.store.read { dataset in
            let enabledDomains = Set(dataset.domains.filter(\.enabled).map(\.name))
            return (
                total: dataset.extensions.count,
                registered: dataset.liveRegistrations(at: epoch).count,
                active: dataset.activeCalls.filter { enabledDomains.contains($0.domainName) }.count
            )
        }
        let now = server.clock.now
        return .success(
            "System operational",
            [
                "timestamp": .string(Timestamp.iso8601(Int(now))),
                "version": .string(server.pbxVersion.text),
                "uptime": .string(Uptime.describe(seconds: Int(now - server.startEpoch))),
                "active_calls": .int(counts.active),
                "total_extensions": .int(counts.total),
                "registered_extensions": .int(counts.registered),
            ]
        )
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

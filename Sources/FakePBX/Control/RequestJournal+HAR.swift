import ContractKit
import JSONSchema

extension RequestJournal.Entry {
    /// The answered request as an exchange, for the journal as HAR: its method, path and fields
    /// (secrets shown as `[redacted]`, as the journal shows them), the answer sent (its headers and
    /// the first ``JournalAnswer/bodyLimit`` bytes of its body, redacted the same way) and how long
    /// it took. The request's headers are not kept, so the HAR has only its Host.
    func exchange(host: String) -> Exchange? {
        guard !method.isEmpty else { return nil }
        var shown: [String: String] = [:]
        for (name, value) in fields { shown[name] = SecretNames.shown(value, name: name) }
        return Exchange(
            name: "#\(sequence) \(operation ?? path)" + (applied.isEmpty ? "" : " (\(applied.joined(separator: ", ")))"),
            request: ExchangeRequest(method: method, path: path, headers: ["host": host], form: shown),
            response: status == 0 ? nil : answer?.shown ?? ExchangeResponse(status: status),
            timing: Exchange.Timing(startedAt: Timestamp.iso8601(Int(time)), durationMilliseconds: milliseconds ?? 0)
        )
    }
}

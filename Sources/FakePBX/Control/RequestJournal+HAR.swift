import ContractKit
import JSONSchema

extension RequestJournal.Entry {
    /// The answered request as an exchange, for the journal as HAR: its method, path, query and
    /// fields (secrets shown as `[redacted]`, as the journal shows them; a field the query gave is in
    /// the query alone), the answer sent (its headers and the first ``JournalAnswer/bodyLimit`` bytes
    /// of its body, redacted the same way, with the size it had when cut) and how long it took. The
    /// request's headers are not kept, so the HAR has only its Host.
    func exchange(host: String) -> Exchange? {
        guard !method.isEmpty else { return nil }
        let queryFields = FormEncoding.decode(query)
        var shown: [String: String] = [:]
        for (name, value) in fields where queryFields[name] != value { shown[name] = SecretNames.shown(value, name: name) }
        let shownQuery = FormEncoding.encode(queryFields.sorted { $0.key < $1.key }.map { ($0.key, SecretNames.shown($0.value, name: $0.key)) })
        var response = status == 0 ? nil : answer?.shown ?? ExchangeResponse(status: status)
        if let answer, !answer.isWhole { response?.cutFrom = bytes ?? -1 }
        return Exchange(
            name: "#\(sequence) \(operation ?? path)" + (applied.isEmpty ? "" : " (\(applied.joined(separator: ", ")))"),
            request: ExchangeRequest(method: method, path: path, query: shownQuery, headers: ["host": host], form: shown),
            response: response,
            outcome: applied.lazy.compactMap { $0.hasPrefix("outcome:") ? ConnectionOutcome(rawValue: String($0.dropFirst(8))) : nil }.first,
            timing: Exchange.Timing(startedAt: Timestamp.iso8601(Int(time)), durationMilliseconds: milliseconds ?? 0)
        )
    }
}

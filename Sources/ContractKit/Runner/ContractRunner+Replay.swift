import AsyncHTTPClient
import Foundation

extension ContractRunner {
    /// Sends recorded traffic (a cassette or a HAR read as one) to the target, in order, each
    /// request as it was recorded but with this run's credentials in place of the recorded ones,
    /// which a recording keeps redacted. Every answer goes to the configuration's `onExchange`,
    /// keyed `#N name`. With `readOnly`, only requests the contracts know as reads are sent.
    /// - Throws: ``ContractError`` `unreachable` when the first request gets no answer at all.
    public func replay(_ traffic: Cassette) async throws(ContractError) {
        try await withClient { base, client throws(ContractError) in
            var reachable = false
            for (index, recorded) in traffic.exchanges.enumerated() {
                if configuration.readOnly && catalog.operation(for: recorded.request)?.writes != false { continue }
                let request = withCredentials(recorded.request)
                let key = "#\(index + 1) \(recorded.name)"
                var notes: [String] = []
                do {
                    let response = try await sendWaitingForRateLimits(
                        request, body: FormEncoding.encode(request.form.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }),
                        base: base, client: client, step: key, notes: &notes)
                    reachable = true
                    configuration.onExchange(key, Exchange(name: recorded.name, request: request, response: response))
                } catch {
                    if !reachable { throw ContractError(.unreachable, "no answer from the server: \(SystemErrorText.describe(error))", at: base) }
                    configuration.onExchange(key, Exchange(name: recorded.name, request: request, response: nil))
                }
            }
        }
    }

    /// `request` with the run's credentials wherever the recording carried some, and only the
    /// headers a client sets itself (no Host, length or encoding of the recorded body).
    func withCredentials(_ request: ExchangeRequest) -> ExchangeRequest {
        var form = request.form
        if form["username"] != nil, let username = configuration.username { form["username"] = username }
        if form["password"] != nil, let password = configuration.password { form["password"] = password }
        if form["key"] != nil, let key = configuration.apiKey { form["key"] = key }
        var headers = request.headers.filter { !["host", "content-length", "transfer-encoding", "connection", "expect"].contains($0.key) }
        if headers["authorization"] != nil, let username = configuration.username {
            headers["authorization"] = "Basic " + Data("\(username):\(configuration.password ?? "")".utf8).base64EncodedString()
        }
        if headers["x-api-key"] != nil, let key = configuration.apiKey { headers["x-api-key"] = key }
        // The form goes as urlencoded whatever the recording used: the script reads the same fields.
        if !form.isEmpty { headers["content-type"] = "application/x-www-form-urlencoded" }
        return ExchangeRequest(method: request.method, path: request.path, query: request.query, headers: headers, form: form)
    }
}

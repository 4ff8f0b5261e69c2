import AsyncHTTPClient
import Foundation
import JSONSchema
import NIOCore
import NIOHTTP1
import NIOSSL

/// What `fakepbx contract run` is told.
public struct ContractRunConfiguration: Sendable {
    /// The server's base URL, e.g. `http://127.0.0.1:8080` or `https://pbx.example.com`.
    public var target: String
    public var username: String?
    public var password: String?
    public var apiKey: String?
    /// Skip every case and step that writes (for production-like staging servers).
    public var readOnly = false
    /// Values for `{{name}}` in the cases, e.g. a tenant domain to use.
    public var variables: [String: String] = [:]
    /// Only the cases with these names; all when empty.
    public var cases: [String] = []
    public var timeout: Duration = .seconds(10)
    /// How the server's certificate is checked and which client certificate is shown (`--insecure`,
    /// `--cacert`, `--client-cert`, `--client-key`).
    public var trust = ClientTrust()
    /// What the target enforces; steps for other profiles are skipped (`--auth-profile`).
    public var authProfile: AuthProfile = .multi
    /// The longest the run waits, in all, for the server's rate limits (`Retry-After`,
    /// `X-RateLimit-Reset`) before it reports a 429 as it is (`--max-wait`).
    public var maxWait: Duration = .seconds(120)
    /// Told each time the run waits for a rate limit, so the user sees why it pauses.
    public var progress: @Sendable (String) -> Void = { _ in }
    /// Told every exchange as it is answered, with a key that names it the same way in every run
    /// (`case › step`, or `#N name` for replayed traffic).
    public var onExchange: @Sendable (String, Exchange) -> Void = { _, _ in }
    /// The version string each ictVoIP application should report (`--expect-app-versions`): the
    /// System Health Check's expected API set. Checked after the cases when not empty.
    public var expectedAppVersions: [String: String] = [:]

    public init(target: String) { self.target = target }

    var hasCredentials: Bool { username != nil || apiKey != nil }
}

/// Runs contract cases against a server over HTTP and checks every exchange.
public struct ContractRunner: Sendable {
    public let catalog: ContractCatalog
    public let configuration: ContractRunConfiguration
    /// The time spent waiting for rate limits so far in this run.
    private let waits = WaitLedger()

    public init(catalog: ContractCatalog, configuration: ContractRunConfiguration) {
        self.catalog = catalog
        self.configuration = configuration
    }

    /// Runs the contracts' cases (or those named in the configuration).
    /// - Throws: ``ContractError`` `unreachable` when the first request gets no answer at all, or
    ///   `invalidArgument` for a bad target or unknown case name.
    public func run() async throws(ContractError) -> ContractReport {
        try await run(try selectedCases())
    }

    func selectedCases() throws(ContractError) -> [ContractCase] {
        let all = try ContractCase.all(in: catalog)
        guard !configuration.cases.isEmpty else { return all }
        for name in configuration.cases where !all.contains(where: { $0.name == name }) {
            throw ContractError(
                .invalidArgument, "no case named '\(name)'; the cases are: \(all.map(\.name).joined(separator: ", "))", at: "--case"
            )
        }
        return all.filter { configuration.cases.contains($0.name) }
    }

    /// Runs `cases` in order, each with fresh variables.
    public func run(_ cases: [ContractCase]) async throws(ContractError) -> ContractReport {
        try await withClient { base, client throws(ContractError) in try await run(cases, base: base, client: client) }
    }

    /// Runs `body` with the target's base URL (no trailing slash) and a client for it.
    func withClient<T>(_ body: (String, HTTPClient) async throws(ContractError) -> T) async throws(ContractError) -> T {
        let base = configuration.target.hasSuffix("/") ? String(configuration.target.dropLast()) : configuration.target
        guard let url = URL(string: base), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw ContractError(.invalidArgument, "'\(configuration.target)' is not an http:// or https:// URL", at: "--target")
        }
        // Redirects are not followed: a 302 to a login page is what the client must be shown.
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: try configuration.trust.clientConfiguration())
        let result: Result<T, ContractError>
        do {
            result = .success(try await body(base, client))
        } catch {
            result = .failure(error)
        }
        try? await client.shutdown()
        return try result.get()
    }

    private func run(_ cases: [ContractCase], base: String, client: HTTPClient) async throws(ContractError) -> ContractReport {
        let started = Date()
        var report = ContractReport(title: "contract run", target: base, startedAt: ContractReport.timestamp(started))
        var progress = Progress()
        for contractCase in cases {
            var suite = ContractReport.Suite(name: contractCase.name)
            if let reason = skipReason(contractCase) {
                for step in contractCase.steps { suite.checks.append(.init(name: step.name, operation: step.operation, outcome: .skipped(reason))) }
                report.suites.append(suite)
                continue
            }
            var variables = CaseVariables(configuration.variables, username: configuration.username)
            for step in contractCase.steps + contractCase.cleanup {
                if let reason = progress.stopped {
                    suite.checks.append(.init(name: step.name, operation: step.operation, outcome: .skipped(reason)))
                    continue
                }
                suite.checks += try await run(
                    step, of: contractCase.name, base: base, client: client, variables: &variables, progress: &progress)
            }
            report.suites.append(suite)
        }
        if let reason = progress.stopped {
            // Its own check in error, so every report format (and the exit code) carries the reason.
            report.suites.append(
                ContractReport.Suite(name: "run stopped", checks: [.init(name: "the run could go on", operation: nil, outcome: .error(reason))]))
        } else if !configuration.expectedAppVersions.isEmpty {
            report.suites.append(try await appVersions(base: base, client: client))
        }
        report.durationSeconds = Date().timeIntervalSince(started)
        return report
    }

    private func skipReason(_ contractCase: ContractCase) -> String? {
        if configuration.readOnly && contractCase.writes { return "the case writes, and --read-only is set" }
        if contractCase.requires.contains("credentials") && !configuration.hasCredentials {
            return "needs credentials; give --username and --password, or --api-key"
        }
        return nil
    }

    /// Why `step` is not sent to this target, if it is not.
    private func skipReason(_ step: ContractCase.Step, operation: ContractOperation) -> String? {
        if configuration.readOnly && operation.writes { return "the step writes, and --read-only is set" }
        if step.requires.contains("credentials") && !configuration.hasCredentials {
            return "needs credentials; give --username and --password, or --api-key"
        }
        if !step.profiles.isEmpty && !step.profiles.contains(configuration.authProfile) {
            let names = step.profiles.map(\.rawValue).joined(separator: " or ")
            return "for \(names) targets; this one is \(configuration.authProfile) (--auth-profile)"
        }
        return nil
    }

    private func run(
        _ step: ContractCase.Step, of caseName: String, base: String, client: HTTPClient, variables: inout CaseVariables,
        progress: inout Progress
    ) async throws(ContractError) -> [ContractReport.Check] {
        let operation = catalog.operation(id: step.operation)!
        if let reason = skipReason(step, operation: operation) {
            return [.init(name: step.name, operation: operation.id, outcome: .skipped(reason))]
        }
        var form: [(String, String)] = []
        for (name, template) in step.form {
            switch variables.expand(template) {
            case .success(let value): form.append((name, value))
            case .failure(let missing):
                return [
                    .init(
                        name: step.name, operation: operation.id,
                        outcome: .skipped("needs {{\(missing.name)}}, which no earlier step captured (give it with --var \(missing.name)=VALUE)")
                    )
                ]
            }
        }
        form += credentials(step.auth)
        let method = step.method ?? (operation.allows(method: "POST") ? "POST" : operation.methods[0])
        let request = ExchangeRequest(
            method: method, path: operation.path,
            headers: form.isEmpty ? [:] : ["Content-Type": "application/x-www-form-urlencoded"],
            form: Dictionary(form, uniquingKeysWith: { $1 })
        )

        let started = ContinuousClock.now
        let response: ExchangeResponse
        var notes: [String] = []
        do {
            response = try await sendWaitingForRateLimits(
                request, body: FormEncoding.encode(form), base: base, client: client, step: step.name, notes: &notes
            )
            progress.answered()
        } catch {
            if !progress.reachable {
                throw ContractError(.unreachable, "no answer from the server: \(SystemErrorText.describe(error))", at: base)
            }
            progress.unanswered()
            return [.init(name: step.name, operation: operation.id, outcome: .error("no answer: \(SystemErrorText.describe(error))"))]
        }
        progress.refused(step, status: response.status, hasCredentials: configuration.hasCredentials)
        configuration.onExchange("\(caseName) › \(step.name)", Exchange(name: step.name, request: request, response: response))
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18

        var verdict = catalog.check(Exchange(name: step.name, request: request, response: response))
        // A negative step breaks the request contract on purpose; the check is that it really does.
        if step.invalid {
            verdict.request =
                verdict.request.isEmpty
                ? [
                    ContractViolation(
                        subject: .request, rule: "invalid", message: "the step is marked invalid, but its request meets the contract; fix the case")
                ]
                : []
            if verdict.operation == nil { verdict.operation = operation }
        }
        var checks = ContractReport.Check.checks(for: step.name, verdict: verdict, answered: true, durationSeconds: seconds)
        checks.append(
            .init(
                name: "\(step.name) › expectations", operation: operation.id, violations: expectations(step, response, variables: variables)
            ))
        checks[checks.count - 1].notes = notes
        variables.capture(step.capture, from: response)
        return checks
    }

    func credentials(_ auth: ContractCase.Step.Auth) -> [(String, String)] {
        switch auth {
        case .none:
            return []
        case .wrong:
            return [("username", configuration.username ?? "fakepbx-contract"), ("password", "fakepbx-contract-wrong-password")]
        case .default:
            if let username = configuration.username { return [("username", username), ("password", configuration.password ?? "")] }
            if let key = configuration.apiKey { return [("key", key)] }
            return []
        }
    }

    private func expectations(_ step: ContractCase.Step, _ response: ExchangeResponse, variables: CaseVariables) -> [ContractViolation] {
        var violations: [ContractViolation] = []
        let expected = step.expectStatus ?? [200]
        if !expected.contains(response.status) {
            // A redirect is reported with where it leads: a login page means the target is not the API.
            let location = (300..<400).contains(response.status) ? response.headers["location"].map { " to \($0)" } ?? " without a Location" : ""
            violations.append(
                ContractViolation(
                    subject: .expectation, rule: "expect/status",
                    message: "status \(response.status)\(location); the case expects \(expected.map(String.init).joined(separator: " or "))",
                    value: String(response.status)
                ))
        }
        let document: JSONValue? = if case .json(let value) = response.body { value } else { nil }
        for (pointer, template) in step.expectEquals {
            var value = template
            if case .string(let text) = template, case .success(let expanded) = variables.expand(text) { value = .string(expanded) }
            let actual = document.flatMap { JSONPointer.resolve(pointer, in: $0) }
            if actual.map({ $0.isJSONEqual(to: value) }) != true {
                violations.append(
                    ContractViolation(
                        subject: .expectation, pointer: pointer, rule: "expect/equals",
                        message: actual == nil ? "missing; the case expects \(value.serialized())" : "the case expects \(value.serialized())",
                        value: ContractViolation.display(actual, at: pointer)
                    ))
            }
        }
        for (pointer, pattern) in step.expectMatches {
            let actual = document.flatMap { JSONPointer.resolve(pointer, in: $0) }
            let matcher = try? Validator(schema: ["type": "string", "pattern": .string(pattern)])
            if let actual, matcher?.isValid(actual) == true { continue }
            violations.append(
                ContractViolation(
                    subject: .expectation, pointer: pointer, rule: "expect/matches",
                    message: actual == nil ? "missing; the case expects a string matching \(pattern)" : "does not match \(pattern)",
                    value: ContractViolation.display(actual, at: pointer)
                ))
        }
        return violations
    }

    /// Sends the request; a 429 or 503 that says when to come back (`Retry-After`, `X-RateLimit-Reset`)
    /// is retried after that wait while the run's waits stay within `maxWait`. Each wait is a note.
    func sendWaitingForRateLimits(
        _ exchange: ExchangeRequest, body: String, base: String, client: HTTPClient, step: String, notes: inout [String]
    ) async throws -> ExchangeResponse {
        while true {
            let response = try await send(exchange, body: body, base: base, client: client)
            guard [429, 503].contains(response.status), let wait = RateLimitWait(headers: response.headers, now: Date()) else {
                return response
            }
            let total = await waits.total
            guard total + wait.duration <= configuration.maxWait else {
                notes.append(
                    "status \(response.status) (\(wait.reason)); not waited: the run has waited \(RateLimitWait.text(total)) and --max-wait is \(RateLimitWait.text(configuration.maxWait))"
                )
                return response
            }
            let message = "\(step): status \(response.status), waiting \(RateLimitWait.text(wait.duration)) as the server asks (\(wait.reason))"
            configuration.progress(message)
            notes.append(message)
            await waits.add(wait.duration)
            try await Task.sleep(for: wait.duration)
        }
    }

    private func send(_ exchange: ExchangeRequest, body: String, base: String, client: HTTPClient) async throws -> ExchangeResponse {
        var request = HTTPClientRequest(url: base + exchange.path + (exchange.query.isEmpty ? "" : "?" + exchange.query))
        request.method = HTTPMethod(rawValue: exchange.method)
        for (name, value) in exchange.headers { request.headers.add(name: name, value: value) }
        if !body.isEmpty { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .init(configuration.timeout))
        let bytes = try await response.body.collect(upTo: 256 << 20)
        let headers = Exchange.headerMap(response.headers.map { ($0.name, $0.value) })
        return ExchangeResponse(status: Int(response.status.code), headers: headers, bytes: Array(bytes.readableBytesView))
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

/// The run's total wait for rate limits, shared by its steps.
private actor WaitLedger {
    private(set) var total: Duration = .zero
    func add(_ duration: Duration) { total += duration }
}

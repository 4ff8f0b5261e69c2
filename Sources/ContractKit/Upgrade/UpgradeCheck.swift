import Foundation
import Synchronization

/// Sends a billing client's traffic to two servers, the PBX as it is and as it will be, and
/// reports every difference a client would meet, grouped by cause (`fakepbx upgrade check`).
///
/// Each side is run twice: what differs between two runs of the same side (timestamps, new UUIDs,
/// uptime) is noise and left out, with a count. An answer that is a rate limit's 429 or 503 on one
/// side only is a policy artifact of the run's pace, and left out too.
public struct UpgradeCheck: Sendable {
    /// One server: a label for reports (`5.4.9`, or its URL) and its base URL.
    public struct Side: Sendable {
        public var label: String
        public var url: String

        public init(label: String, url: String) {
            self.label = label
            self.url = url
        }
    }

    public var from: Side
    public var to: Side
    /// The client's own traffic (a cassette or HAR); nil runs the contract cases.
    public var traffic: Cassette?
    /// Credentials, trust, timeouts and waits, as `contract run` takes them; its target is ignored.
    public var settings: ContractRunConfiguration
    /// Ids of findings a team has reviewed (`--accept`): reported, not failed.
    public var accepted: Set<String> = []
    public var catalog: ContractCatalog

    public init(from: Side, to: Side, traffic: Cassette? = nil, settings: ContractRunConfiguration, catalog: ContractCatalog) {
        self.from = from
        self.to = to
        self.traffic = traffic
        self.settings = settings
        self.catalog = catalog
    }

    /// One answer of a run, by the key that pairs it with the other side's.
    struct Answer: Sendable {
        var key: String
        var operation: String
        var response: ExchangeResponse
    }

    /// What the check found.
    public struct Outcome: Sendable {
        public var findings: [UpgradeFinding]
        /// Pairs of answers compared.
        public var compared = 0
        /// Differences left out because two runs of the same side differ there too.
        public var noise = 0
        /// Pairs left out because one side answered a rate limit (429, 503) and the other did not.
        public var artifacts = 0
        /// The upgraded side's application versions against the expected API set, when one was given
        /// (`settings.expectedAppVersions`).
        public var appVersions: ContractReport.Suite?
    }

    /// Runs the traffic twice on each side and compares.
    /// - Throws: ``ContractError`` `unreachable` when a side never answers.
    public func run() async throws(ContractError) -> Outcome {
        var runs: [[Answer]] = []
        for side in [from, from, to, to] { runs.append(try await answers(from: side)) }
        var noise = Set<String>()
        for (first, second) in [(runs[0], runs[1]), (runs[2], runs[3])] {
            for (operation, difference) in Self.differences(first, second).pairs { noise.insert("\(operation) \(difference.noiseKey)") }
        }
        let (pairs, compared, artifacts) = Self.differences(runs[0], runs[2])
        let kept = pairs.filter { !noise.contains("\($0.operation) \($0.difference.noiseKey)") }
        var outcome = Outcome(findings: UpgradeFinding.group(kept))
        outcome.compared = compared
        outcome.noise = pairs.count - kept.count
        outcome.artifacts = artifacts
        if !settings.expectedAppVersions.isEmpty {
            var configuration = settings
            configuration.target = to.url
            outcome.appVersions = try await ContractRunner(catalog: catalog, configuration: configuration).run([]).suites.first
        }
        return outcome
    }

    /// The differences between two runs, answer by answer, and how many pairs were compared and
    /// left out as rate-limit artifacts.
    static func differences(_ old: [Answer], _ new: [Answer]) -> (
        pairs: [(operation: String, difference: AnswerDifference)], compared: Int, artifacts: Int
    ) {
        let byKey = Dictionary(new.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var pairs: [(operation: String, difference: AnswerDifference)] = []
        var compared = 0
        var artifacts = 0
        for answer in old {
            // An answer one side gave and the other did not (no answer, a step it could not reach) is
            // a change, never a pair left out: leaving it out would be a false all-clear.
            guard let other = byKey[answer.key] else {
                pairs.append((answer.operation, AnswerDifference(.status, "", old: String(answer.response.status), new: "no answer")))
                continue
            }
            let limited: Set<Int> = [429, 503]
            if answer.response.status != other.response.status,
                limited.contains(answer.response.status) || limited.contains(other.response.status)
            {
                artifacts += 1
                continue
            }
            compared += 1
            for difference in AnswerDifference.between(answer.response, other.response) { pairs.append((answer.operation, difference)) }
        }
        let oldKeys = Set(old.map(\.key))
        for answer in new where !oldKeys.contains(answer.key) {
            pairs.append((answer.operation, AnswerDifference(.status, "", old: "no answer", new: String(answer.response.status))))
        }
        return (pairs, compared, artifacts)
    }

    /// One run of the traffic against `side`.
    private func answers(from side: Side) async throws(ContractError) -> [Answer] {
        var configuration = settings
        configuration.target = side.url
        configuration.expectedAppVersions = [:]
        let collected = Collector()
        let catalog = catalog
        configuration.onExchange = { key, exchange in
            guard let response = exchange.response else { return }
            let operation = catalog.operation(for: exchange.request)?.id ?? "\(exchange.request.method) \(exchange.request.path)"
            collected.answers.withLock { answers in
                // A key seen before in this run (a step repeated in a case's clean-up) is numbered.
                let seen = answers.filter { $0.key == key || $0.key.hasPrefix(key + " #") }.count
                answers.append(Answer(key: seen == 0 ? key : "\(key) #\(seen + 1)", operation: operation, response: response))
            }
        }
        let runner = ContractRunner(catalog: catalog, configuration: configuration)
        if let traffic {
            try await runner.replay(traffic)
        } else {
            _ = try await runner.run()
        }
        return collected.answers.withLock { $0 }
    }

    private final class Collector: Sendable {
        let answers = Mutex<[Answer]>([])
    }
}

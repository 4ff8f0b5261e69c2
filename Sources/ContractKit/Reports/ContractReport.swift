import Foundation
import JSONSchema

/// The result of a contract run or check: suites of checks, each passed, failed with violations,
/// skipped with a reason, or in error (no answer).
public struct ContractReport: Sendable {
    /// One thing checked: `chkcon granted › body`.
    public struct Check: Sendable {
        public enum Outcome: Sendable {
            case passed
            case failed([ContractViolation])
            case skipped(String)
            /// The check could not be made (no answer from the server).
            case error(String)
        }

        public var name: String
        /// The operation checked (`manage_domain.create`), when known.
        public var operation: String?
        public var outcome: Outcome
        public var durationSeconds: Double
        /// Findings that do not fail the check (a field added between versions).
        public var notes: [String] = []

        public init(name: String, operation: String?, outcome: Outcome, durationSeconds: Double = 0) {
            self.name = name
            self.operation = operation
            self.outcome = outcome
            self.durationSeconds = durationSeconds
        }

        /// A check that passes when `violations` is empty.
        public init(name: String, operation: String?, violations: [ContractViolation], durationSeconds: Double = 0) {
            self.init(
                name: name, operation: operation, outcome: violations.isEmpty ? .passed : .failed(violations),
                durationSeconds: durationSeconds
            )
        }
    }

    /// A group of checks: one case file, or one cassette.
    public struct Suite: Sendable {
        public var name: String
        public var checks: [Check]

        public init(name: String, checks: [Check] = []) {
            self.name = name
            self.checks = checks
        }
    }

    /// The counts of a report or suite.
    public struct Summary: Sendable, Hashable {
        public var total = 0, passed = 0, failed = 0, skipped = 0, errors = 0

        init(_ checks: [Check]) {
            for check in checks {
                total += 1
                switch check.outcome {
                case .passed: passed += 1
                case .failed: failed += 1
                case .skipped: skipped += 1
                case .error: errors += 1
                }
            }
        }
    }

    /// What was checked: `contract run`, `contract check`.
    public var title: String
    /// The server or files checked.
    public var target: String
    public var suites: [Suite]
    /// ISO 8601 UTC.
    public var startedAt: String
    public var durationSeconds: Double
    /// The summary's last words when everything held, and when something did not.
    public var verdicts = (holds: "all contracts hold", broken: "contracts broken")

    /// The verdict for this report's exit code.
    public var verdict: String { exitCode == 0 ? verdicts.holds : verdicts.broken }

    public init(title: String, target: String, suites: [Suite] = [], startedAt: String, durationSeconds: Double = 0) {
        self.title = title
        self.target = target
        self.suites = suites
        self.startedAt = startedAt
        self.durationSeconds = durationSeconds
    }

    public var summary: Summary { Summary(suites.flatMap(\.checks)) }

    /// The report of a run whose target never answered: one check in error that says why, so a CI
    /// server shows the reason instead of an empty test tab.
    public static func unreachable(title: String, target: String, message: String, at date: Date = Date()) -> ContractReport {
        ContractReport(
            title: title, target: target,
            suites: [Suite(name: "connection", checks: [Check(name: "the target answers", operation: nil, outcome: .error(message))])],
            startedAt: timestamp(date)
        )
    }

    /// 0 when every contract holds, 1 when any check failed or had no answer.
    public var exitCode: Int32 {
        let summary = summary
        return summary.failed + summary.errors == 0 ? 0 : 1
    }
}

extension ContractReport.Check {
    /// The checks of one exchange: request, status, headers and body, each a check of its own so a
    /// CI report shows exactly which part broke.
    public static func checks(for name: String, verdict: ExchangeVerdict, answered: Bool, durationSeconds: Double = 0) -> [Self] {
        let operation = verdict.operation?.id
        var checks = [Self(name: "\(name) › request", operation: operation, violations: verdict.request, durationSeconds: durationSeconds)]
        let parts: [(String, [ContractViolation])] = [("status", verdict.status), ("headers", verdict.headers), ("body", verdict.body)]
        for (part, violations) in parts {
            let outcome: Outcome
            if verdict.operation == nil {
                outcome = .skipped("the request matches no operation, so there is no response contract to check")
            } else if !answered {
                outcome = .skipped("no response recorded")
            } else {
                outcome = violations.isEmpty ? .passed : .failed(violations)
            }
            var check = Self(name: "\(name) › \(part)", operation: operation, outcome: outcome)
            if part == "body" { check.notes = verdict.notes }
            checks.append(check)
        }
        return checks
    }
}

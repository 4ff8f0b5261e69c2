import Foundation
import JSONSchema

extension ContractReport {
    /// The report as JSON (`fakepbx-contract-report/1`), for `--json FILE`.
    public var json: JSONValue {
        let counts = summary
        var root: JSONObject = [
            "format": "fakepbx-contract-report/1", "title": .string(title), "target": .string(target),
            "startedAt": .string(startedAt), "durationSeconds": .double((durationSeconds * 1000).rounded() / 1000),
        ]
        root["summary"] = [
            "total": .int(counts.total), "passed": .int(counts.passed), "failed": .int(counts.failed),
            "skipped": .int(counts.skipped), "errors": .int(counts.errors),
        ]
        root["suites"] = .array(
            suites.map { suite in
                [
                    "name": .string(suite.name),
                    "checks": .array(
                        suite.checks.map { check in
                            var object: JSONObject = ["name": .string(check.name)]
                            if let operation = check.operation { object["operation"] = .string(operation) }
                            if !check.notes.isEmpty { object["notes"] = .array(check.notes.map(JSONValue.string)) }
                            switch check.outcome {
                            case .passed:
                                object["outcome"] = "passed"
                            case .failed(let violations):
                                object["outcome"] = "failed"
                                object["violations"] = .array(violations.map(\.json))
                            case .skipped(let reason):
                                object["outcome"] = "skipped"
                                object["reason"] = .string(reason)
                            case .error(let message):
                                object["outcome"] = "error"
                                object["reason"] = .string(message)
                            }
                            return .object(object)
                        }),
                ]
            })
        return .object(root)
    }

    /// How many violations of one check the console shows.
    static let consoleViolationLimit = 5

    /// The console summary: every failed check with its violations, then the counts.
    public func consoleSummary() -> String {
        var lines: [String] = []
        for suite in suites {
            for check in suite.checks {
                for note in check.notes { lines.append("NOTE \(suite.name): \(note)") }
                switch check.outcome {
                case .failed(let violations):
                    lines.append("FAIL \(suite.name): \(check.name)" + (check.operation.map { " [\($0)]" } ?? ""))
                    for violation in violations.prefix(ContractReport.consoleViolationLimit) {
                        lines.append(ContractReport.detail(violation, of: check).split(separator: "\n").map { "     \($0)" }.joined(separator: "\n"))
                    }
                    if violations.count > ContractReport.consoleViolationLimit {
                        lines.append(
                            "     … and \(violations.count - ContractReport.consoleViolationLimit) more (all of them are in --junit and --json)")
                    }
                case .error(let message):
                    lines.append("ERROR \(suite.name): \(check.name): \(message)")
                default:
                    break
                }
            }
        }
        let counts = summary
        lines.append(
            "\(title) \(target): \(counts.total) check\(counts.total == 1 ? "" : "s"), \(counts.passed) passed, \(counts.failed) failed, \(counts.skipped) skipped, "
                + "\(counts.errors) error\(counts.errors == 1 ? "" : "s") in \(String(format: "%.2f", durationSeconds)) s: \(verdict)"
        )
        return lines.joined(separator: "\n")
    }

    /// Writes the JUnit, JSON and HTML reports, each atomically, where asked.
    public func write(junit: String?, json jsonPath: String?, html: String? = nil) throws(ContractError) {
        if let junit { try ContractReport.writeAtomically(Array(junitXML().utf8), to: junit) }
        if let jsonPath {
            try ContractReport.writeAtomically(json.fileBytes, to: jsonPath)
        }
        if let html { try ContractReport.writeAtomically(Array(htmlDocument().utf8), to: html) }
    }

    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(ContractError) {
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw ContractError(.fileAccess, "cannot write the report: \(error.localizedDescription)", at: path)
        }
    }
}

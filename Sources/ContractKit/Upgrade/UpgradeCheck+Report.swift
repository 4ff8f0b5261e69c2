import Foundation

extension UpgradeCheck.Outcome {
    /// The outcome as a report (console, JUnit, JSON, HTML): one check per finding, failed when it
    /// breaks a client and was not accepted; the noise and artifacts left out are a note.
    public func report(from: String, to: String, accepted: Set<String>, acceptedFile: String? = nil, started: Date) -> ContractReport {
        var suite = ContractReport.Suite(name: "upgrade")
        suite.checks = findings.map { $0.check(accepted: accepted, acceptedFile: acceptedFile) }
        var summary = ContractReport.Check(name: "answers compared", operation: nil, outcome: .passed)
        summary.notes = [
            "\(compared) pairs of answers compared; \(noise) difference\(noise == 1 ? "" : "s") left out as noise (they differ between two runs of the same side too)"
                + "; \(artifacts) pair\(artifacts == 1 ? "" : "s") left out as rate-limit artifacts (429 or 503 on one side only)"
        ]
        suite.checks.append(summary)
        var suites = [suite]
        if let appVersions { suites.append(appVersions) }
        var report = ContractReport(title: "upgrade check", target: "\(from) → \(to)", suites: suites, startedAt: ContractReport.timestamp(started))
        report.durationSeconds = Date().timeIntervalSince(started)
        report.verdicts = (holds: "nothing a client reads breaks", broken: "a client may break")
        return report
    }
}

extension UpgradeCheck {
    /// Finding ids from an `--accept` file: one per line, `#` starts a comment.
    /// - Throws: ``ContractError`` when the file cannot be read.
    public static func acceptedIDs(file: String) throws(ContractError) -> Set<String> {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ContractError(.fileAccess, "cannot read the accepted findings (check the path and permissions)", at: file)
        }
        var ids = Set<String>()
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let id = line.prefix { $0 != "#" }.trimmingCharacters(in: .whitespaces)
            if !id.isEmpty { ids.insert(id) }
        }
        return ids
    }
}

import Foundation

extension UpgradeCheck.Outcome {
    /// The outcome as a report (console, JUnit, JSON, HTML): one check per finding, failed when it
    /// breaks a client and was not accepted; the noise and artifacts left out are a note.
    public func report(from: String, to: String, accepted: Set<String>, acceptedFile: String? = nil, started: Date) -> ContractReport {
        var suite = ContractReport.Suite(name: "upgrade")
        for finding in findings {
            var check = ContractReport.Check(name: finding.id, operation: nil, outcome: .passed)
            if finding.breaks && !accepted.contains(finding.id) {
                // What breaks is said once; the other places are listed after it.
                check.outcome = .failed(
                    finding.places.enumerated().map { index, place in
                        ContractViolation(subject: .body, pointer: place, rule: finding.id, message: index == 0 ? finding.php : "the same change")
                    })
            } else {
                let why = accepted.contains(finding.id) ? "accepted\(acceptedFile.map { " in \($0)" } ?? ""): " : ""
                check.notes = ["\(why)\(finding.id): \(finding.php) Seen at: \(finding.places.joined(separator: "; "))"]
            }
            suite.checks.append(check)
        }
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

import Foundation

extension ContractCatalog {
    /// Checks every request and response of recorded traffic offline: one suite per cassette, four
    /// checks per exchange (request, status, headers, body).
    public func check(cassettes: [(path: String, cassette: Cassette)]) -> ContractReport {
        let started = Date()
        var report = ContractReport(
            title: "contract check", target: cassettes.map(\.path).joined(separator: ", "), startedAt: ContractReport.timestamp(started)
        )
        for (path, cassette) in cassettes {
            var suite = ContractReport.Suite(name: cassette.name.isEmpty ? URL(fileURLWithPath: path).lastPathComponent : cassette.name)
            for exchange in cassette.exchanges {
                let verdict = check(exchange)
                suite.checks += ContractReport.Check.checks(
                    for: exchange.name, verdict: verdict, answered: exchange.response != nil,
                    durationSeconds: (exchange.timing?.durationMilliseconds ?? 0) / 1000
                )
            }
            report.suites.append(suite)
        }
        report.durationSeconds = Date().timeIntervalSince(started)
        return report
    }
}

extension ContractReport {
    /// `2026-11-23T12:00:00Z`.
    public static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}

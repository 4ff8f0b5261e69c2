import Foundation
import JSONSchema
import Testing

/// The official JSON-Schema-Test-Suite, read from `../shared/JSON-Schema-Test-Suite` (never copied here).
@Suite("JSON-Schema-Test-Suite draft 2020-12")
struct OfficialSuiteTests {
    static var suiteFolder: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/JSON-Schema-Test-Suite").path
    }

    @Test func everyRequiredTestPasses() throws {
        guard FileManager.default.fileExists(atPath: Self.suiteFolder) else {
            Issue.record("\(Self.suiteFolder) is missing: the official JSON Schema test suite is read from ../shared next to the project")
            return
        }
        let report = try TestSuiteRunner(directory: Self.suiteFolder).run()
        for failure in report.failures.prefix(40) { Issue.record("\(failure)") }
        #expect(report.failures.isEmpty, "\(report.summary); \(report.failures.count) unexpected failures")
        #expect(report.passed > 1000, "the required draft 2020-12 tests number over a thousand; ran \(report.passed)")
    }

    @Test func optionalTestsPassExceptTheListedOnes() throws {
        guard FileManager.default.fileExists(atPath: Self.suiteFolder) else {
            Issue.record("\(Self.suiteFolder) is missing: the official JSON Schema test suite is read from ../shared next to the project")
            return
        }
        let listFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("optional-known-failures.txt")
        let known = Set(
            try String(contentsOf: listFile, encoding: .utf8).split(separator: "\n").map(String.init)
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        )
        let report = try TestSuiteRunner(directory: Self.suiteFolder, includeOptional: true, knownFailures: known).run()
        for failure in report.failures.prefix(40) { Issue.record("\(failure)") }
        #expect(report.failures.isEmpty)
        let stillFailing = Set(report.knownFailures.map(\.id))
        let nowPassing = known.subtracting(stillFailing)
        #expect(nowPassing.isEmpty, "these now pass; remove them from optional-known-failures.txt: \(nowPassing.sorted())")
    }
}

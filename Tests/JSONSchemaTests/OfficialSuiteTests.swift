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
}

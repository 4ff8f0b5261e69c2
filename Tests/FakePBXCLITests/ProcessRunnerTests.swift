import Foundation
import TestSupport
import Testing

/// The tests' own process runner: a program that hangs fails its test at the bound, and is killed.
@Suite("Process runner")
struct ProcessRunnerTests {
    @Test("a hung program is killed at the hang bound, and the failure says so")
    func hangIsBounded() async throws {
        let marker = "31.4159"
        let sleep = try toolOnPath("sleep", neededFor: "this test", install: "apt-get install coreutils")
        await #expect(throws: RawHTTPClient.Failure.self) {
            _ = try await runProcess(sleep, [marker], hangBound: .milliseconds(300))
        }
        let pgrep = try toolOnPath("pgrep", neededFor: "this test", install: "apt-get install procps")
        let left = try await eventually(timeout: .seconds(60)) {
            try await runProcess(pgrep, ["-f", "sleep \(marker)"]).status == 1
        }
        #expect(left, "the hung program was not killed")
    }
}

import Foundation
import TestSupport
import Testing

/// The tests' children inherit no descriptor beyond standard input, output and error. A socket the
/// in-process servers accepted and a child inherited stayed open in the child, so the server's close
/// sent no FIN until the child exited: a client then waited for an end that did not come.
@Suite("Spawned programs")
struct SpawnTests {
    @Test func aChildSeesOnlyItsStandardDescriptors() async throws {
        // Something of the test process's own is open while the child starts.
        let held = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/null"))
        defer { try? held.close() }
        let ours = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").compactMap(Int.init)
        #expect(ours.contains(Int(held.fileDescriptor)) && held.fileDescriptor > 2)
        // `ls` opens the folder it lists as one descriptor of its own, the lowest free one.
        let listed = try await runProcess("/bin/ls", ["/proc/self/fd"])
        let theirs = listed.stdout.split(separator: "\n").compactMap { Int($0) }
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(Set(theirs).isSubset(of: [0, 1, 2, 3]), "the child inherited \(theirs)")
    }

    @Test func aBackgroundChildSeesOnlyItsStandardDescriptors() async throws {
        let held = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/null"))
        defer { try? held.close() }
        let child = try await LaunchedProcess("/bin/sh", ["-c", "ls /proc/$$/fd"])
        _ = try await child.waitForExit(timeout: .seconds(60))
        #expect(Set(child.output.compactMap { Int($0) }).isSubset(of: [0, 1, 2, 3]), "the child inherited \(child.output)")
    }
}

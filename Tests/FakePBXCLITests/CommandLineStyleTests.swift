import Foundation
import TestSupport
import Testing

/// One command-line style: exit 64 and the subcommand's own usage for a bad option, 2 for a bad
/// input file, human words for system errors, and defaults shown once.
@Suite("Command-line style")
struct CommandLineStyleTests {
    @Test func badOptionsExit64WithTheirOwnUsage() async throws {
        let binary = try fakepbxExecutable()
        let negative = try await runProcess(binary, ["cdr", "generate", "--count", "-5"])
        #expect(negative.status == 64)
        #expect(
            negative.stderr.contains("--count: the count must be 0 or more, not -5"),
            "a negative number is a value, not a missing one: \(negative.stderr)")
        #expect(negative.stderr.contains("Usage: fakepbx cdr generate"), "\(negative.stderr)")
        #expect(!negative.stderr.contains("Error: Error:") && !negative.stderr.contains("error: Error:"))

        let port = try await runProcess(binary, ["serve", "--port", "99999"])
        #expect(port.status == 64)
        #expect(port.stderr.contains("--port: '99999' is not valid; expected a port from 0 to 65535"))
        #expect(port.stderr.contains("Usage: fakepbx serve"), "the subcommand's usage, not the top level's: \(port.stderr)")

        let help = try await runProcess(binary, ["help", "bogus"])
        #expect(help.status == 64)
        #expect(help.stderr.contains("no command 'bogus' to help with; the commands are: serve, data"), "\(help.stderr)")
        let nested = try await runProcess(binary, ["help", "contract", "run"])
        #expect(nested.status == 0 && nested.stdout.contains("--max-wait"))
        // Each answer's bound is 30 s, as in upgrade check (the README says so).
        let timeout = nested.stdout.replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
        #expect(timeout.range(of: #"--timeout <timeout> [^-]*\(default: 30\.0\)"#, options: .regularExpression) != nil, "\(nested.stdout)")

        let profile = try await runProcess(
            binary, ["contract", "run", "--timeout", "60", "--target", "http://127.0.0.1:1", "--auth-profile", "open"])
        #expect(profile.status == 64)
    }

    @Test func defaultsAreShownOnce() async throws {
        let binary = try fakepbxExecutable()
        for command in [["record"], ["contract", "run"], ["bundle", "create"], ["serve"]] {
            let help = try await runProcess(binary, command + ["--help"])
            let text = help.stdout.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
            #expect(text.range(of: #"\(default [^)]*\)\.? \(default: "#, options: .regularExpression) == nil, "\(command): \(text)")
        }
    }

    @Test func aPortInUseIsSaidInWords() async throws {
        try await withFakePBX { server in
            let result = try await runProcess(try fakepbxExecutable(), ["serve", "--port", String(server.port)])
            #expect(result.status == 1)
            #expect(result.stderr.contains("the address is already in use"), "\(result.stderr)")
            #expect(!result.stderr.contains("bind(descriptor"), "no raw NIO text: \(result.stderr)")
        }
    }
}

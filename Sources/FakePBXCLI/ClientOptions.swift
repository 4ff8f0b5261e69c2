import ArgumentParser
import ContractKit
import FakePBX
import Foundation

/// How `contract run` and `upgrade check` talk to a server: credentials, whether they may write,
/// their bounds, the expected API set and TLS.
struct ClientOptions: ParsableArguments {
    @Option(help: "API username (also FAKEPBX_USERNAME, so CI secrets stay off the command line).") var username: String?
    @Option(help: "API password (also FAKEPBX_PASSWORD).") var password: String?
    @Option(help: "API key (access hash), sent as the form field 'key' when no username is given (also FAKEPBX_API_KEY).")
    var apiKey: String?
    @Flag(help: "Skip every request that writes (for a production or production-like server).") var readOnly = false
    @Option(parsing: .unconditional, help: "Seconds to wait for each answer (a week's CDR export from a loaded PBX takes a while).")
    var timeout: Double = 30
    @Option(
        parsing: .unconditional,
        help: "Seconds the run may wait, in all, when a server rate-limits it (429 with Retry-After or X-RateLimit-Reset); 0 never waits.")
    var maxWait: Double = 120
    @Option(
        help:
            "The expected API set: NAME=VERSION lines (status=1.3.0-status); every application whose version differs fails, as the System Health Check reports it."
    )
    var expectAppVersions: String?
    @OptionGroup(title: "TLS") var tls: ClientTLSOptions

    func validate() throws {
        guard timeout > 0, timeout <= 86_400 else {
            throw ValidationError("--timeout: '\(timeout)' is not valid; expected seconds above 0, at most 86400")
        }
        guard maxWait >= 0, maxWait <= 86_400 else {
            throw ValidationError("--max-wait: '\(maxWait)' is not valid; expected seconds from 0 to 86400")
        }
    }

    /// The run's settings for `target`: the credentials given, else the environment's, else
    /// `defaults`; `progress` lines go to stderr after `label`.
    func configuration(target: String, label: String, defaults: Credentials? = nil) throws -> ContractRunConfiguration {
        let env = ProcessInfo.processInfo.environment
        func given(_ option: String?, _ variable: String) -> String? { option ?? env[variable].flatMap { $0.isEmpty ? nil : $0 } }
        var configuration = ContractRunConfiguration(target: target)
        configuration.username = given(username, "FAKEPBX_USERNAME") ?? defaults?.username
        configuration.password = password ?? env["FAKEPBX_PASSWORD"] ?? defaults?.password
        configuration.apiKey = given(apiKey, "FAKEPBX_API_KEY") ?? defaults?.apiKey
        configuration.readOnly = readOnly
        configuration.trust = tls.trust
        configuration.timeout = .milliseconds(Int(timeout * 1000))
        configuration.maxWait = .milliseconds(Int(maxWait * 1000))
        configuration.progress = { message in FileHandle.standardError.write(Data("\(label): \(message)\n".utf8)) }
        if let expectAppVersions { configuration.expectedAppVersions = try ContractRunner.expectedAppVersions(file: expectAppVersions) }
        return configuration
    }
}

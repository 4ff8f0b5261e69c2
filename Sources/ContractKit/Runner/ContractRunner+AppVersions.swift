import AsyncHTTPClient
import Foundation
import JSONSchema

extension ContractRunner {
    /// The System Health Check's question: does every ictVoIP application report the version the
    /// operator expects? Each application's `action=version` answer where it has one, the
    /// `manage_access_control` `versions` list for the others; one check per application expected.
    func appVersions(base: String, client: HTTPClient) async throws(ContractError) -> ContractReport.Suite {
        var reported: [String: String] = [:]
        var problems: [String] = []
        let operations =
            catalog.operations.filter { $0.match["action"] == "version" } + catalog.operations.filter { $0.id == "manage_access_control.versions" }
        for operation in operations {
            let form = [("action", operation.match["action"] ?? "version")] + credentials(.default)
            let request = ExchangeRequest(
                method: "POST", path: operation.path, headers: ["Content-Type": "application/x-www-form-urlencoded"],
                form: Dictionary(form, uniquingKeysWith: { $1 }))
            var notes: [String] = []
            let body: JSONValue
            do {
                let response = try await sendWaitingForRateLimits(
                    request, body: FormEncoding.encode(form), base: base, client: client, step: operation.id, notes: &notes)
                guard response.status == 200, case .json(let json) = response.body else {
                    problems.append("\(operation.id): status \(response.status)")
                    continue
                }
                body = json
            } catch {
                problems.append("\(operation.id): no answer: \(SystemErrorText.describe(error))")
                continue
            }
            if case .string(let app)? = JSONPointer.resolve("/app", in: body), case .string(let version)? = JSONPointer.resolve("/version", in: body)
            {
                reported[app] = version
            }
            if case .array(let apps)? = JSONPointer.resolve("/apps", in: body) {
                for item in apps {
                    guard case .string(let app)? = JSONPointer.resolve("/app", in: item),
                        case .string(let version)? = JSONPointer.resolve("/version", in: item)
                    else { continue }
                    // An application's own answer wins over the list.
                    if reported[app] == nil { reported[app] = version }
                }
            }
        }
        var suite = ContractReport.Suite(name: "app versions")
        for (app, expected) in configuration.expectedAppVersions.sorted(by: { $0.key < $1.key }) {
            var check = ContractReport.Check(name: app, operation: nil, outcome: .passed)
            if reported[app] != expected {
                let message =
                    reported[app].map { "\(app) reports \($0); the expected API set has \(expected)" }
                    ?? "\(app) reports no version\(problems.isEmpty ? "" : " (\(problems.joined(separator: "; ")))"); the expected API set has \(expected)"
                check.outcome = .failed([ContractViolation(subject: .expectation, rule: "expect/app-version", message: message, value: reported[app])]
                )
            }
            suite.checks.append(check)
        }
        return suite
    }

    /// An expected API set: `NAME=VERSION` lines (`status=1.3.0-status`), `#` starts a comment.
    /// - Throws: ``ContractError`` naming the file and line of a line that is not `NAME=VERSION`.
    public static func expectedAppVersions(file: String) throws(ContractError) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ContractError(.fileAccess, "cannot read the expected application versions (check the path and permissions)", at: file)
        }
        var versions: [String: String] = [:]
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = line.prefix { $0 != "#" }.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ContractError(.invalidFile, "'\(text)' is not NAME=VERSION (e.g. status=1.3.0-status)", at: "\(file):\(index + 1)")
            }
            versions[parts[0]] = parts[1]
        }
        return versions
    }
}

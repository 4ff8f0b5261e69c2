import Foundation
import TestSupport
import Testing

/// Every example a user would paste from the README and docs/api.md runs here against the built
/// tool, so the documentation cannot drift from the program:
///
/// - a `sh` block runs command by command in a scratch project (copies of `Contracts/`,
///   `Recordings/` and `scenarios/`, `fakepbx` on the PATH, `swift run fakepbx` read as `fakepbx`);
///   each command must exit 0, and curl must get an answer below 400;
/// - a `console` block runs its `$ ` commands and compares what they print with the lines shown
///   below them, `…` standing for anything;
/// - `fakepbx serve` and `fakepbx record` keep running until the block ends, on free ports that
///   replace the README's 8080, 8443 and 8081 in the block's other commands; a block that talks to
///   127.0.0.1:8080 without starting a server gets a fresh `fakepbx serve` of its own;
/// - a `yaml` block with a top-level `name:` is a scenario and must pass `fakepbx scenario lint`;
///   a `json` block must parse (a bare `"key": value` member is read inside braces);
/// - `<!-- example: skip REASON -->` before a block leaves it out, and says why;
/// - `<!-- example: ci SCHEMA -->` before a `yaml` block checks it against a CI system's schema
///   (`check-jsonschema --builtin-schema vendor.SCHEMA`: `gitlab-ci`, `github-workflows`);
/// - `<!-- example: excerpt PATH -->` before a block checks that the file PATH holds it as shown.
@Suite("README and docs examples", .serialized)
struct ReadmeExamplesTests {
    /// The README, every page in docs/, and the READMEs of the PHP client and the example module.
    static let documents: [String] =
        ["README.md", "CHANGELOG.md", "clients/php/README.md", "examples/billing-module/README.md"]
        + ((try? FileManager.default.contentsOfDirectory(atPath: repositoryFile("docs").path)) ?? []).filter { $0.hasSuffix(".md") }.sorted()
        .map { "docs/\($0)" }

    @Test(arguments: documents)
    func everyExampleRuns(document: String) async throws {
        let text = try String(contentsOf: repositoryFile(document), encoding: .utf8)
        let blocks = MarkdownBlock.all(in: text)
        if document == "README.md" { #expect(!blocks.isEmpty, "the README's examples were not found") }
        try await withTemporaryDirectory { dir in
            let sandbox = try Sandbox(dir)
            for block in blocks {
                switch block.marker {
                case .skip(let reason):
                    #expect(!reason.isEmpty, "\(document):\(block.line): a skipped example must say why")
                    continue
                case .ci(let schema):
                    try await sandbox.lintCI(block, schema: schema, document: document)
                    continue
                case .excerpt(let path):
                    let file = try String(contentsOf: repositoryFile(path), encoding: .utf8)
                    #expect(file.contains(block.body.joined(separator: "\n")), "\(document):\(block.line): \(path) does not hold this block as shown")
                    continue
                case nil: break
                }
                switch block.language {
                case "sh", "console": try await sandbox.run(block, document: document)
                case "yaml": try await sandbox.lintScenario(block, document: document)
                case "json": Sandbox.parseJSON(block, document: document)
                default: break
                }
            }
        }
    }

    @Test func theShippedScenariosTheDocumentationNamesExist() throws {
        let text = try Self.documents.map { try String(contentsOf: repositoryFile($0), encoding: .utf8) }.joined(separator: "\n")
        let named = Set(text.matches(of: #/scenarios/([a-z0-9-]+)\.yaml/#).map { String($0.1) })
        #expect(!named.isEmpty)
        for name in named {
            #expect(FileManager.default.fileExists(atPath: repositoryFile("scenarios/\(name).yaml").path), "README names scenarios/\(name).yaml")
        }
    }
}

/// A fenced block of a Markdown file.
struct MarkdownBlock {
    var language: String
    var body: [String]
    /// The line of the opening fence, for messages.
    var line: Int
    var marker: Marker?

    /// What the `<!-- example: … -->` comment before the block asks.
    enum Marker: Equatable {
        case skip(String)
        case ci(String)
        case excerpt(String)
    }

    static func all(in text: String) -> [MarkdownBlock] {
        let lines = text.components(separatedBy: "\n")
        var blocks: [MarkdownBlock] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            guard line.drop(while: { $0 == " " }).hasPrefix("```") else {
                index += 1
                continue
            }
            let language = String(line.drop { $0 == " " }.dropFirst(3)).trimmingCharacters(in: .whitespaces)
            var marker: Marker?
            if index > 0,
                let match = lines[index - 1].trimmingCharacters(in: .whitespaces).wholeMatch(of: #/<!-- example: (skip|ci|excerpt) ?(.*) -->/#)
            {
                let argument = String(match.2)
                marker = match.1 == "skip" ? .skip(argument) : match.1 == "ci" ? .ci(argument) : .excerpt(argument)
            }
            var body: [String] = []
            index += 1
            let indent = line.prefix { $0 == " " }.count
            while index < lines.count, !lines[index].drop(while: { $0 == " " }).hasPrefix("```") {
                body.append(String(lines[index].dropFirst(min(indent, lines[index].prefix { $0 == " " }.count))))
                index += 1
            }
            blocks.append(MarkdownBlock(language: language, body: body, line: index - body.count, marker: marker))
            index += 1
        }
        return blocks
    }

    /// The commands of a `sh` block, or of a `console` block with the output shown after each. A
    /// command goes on over lines that end in `\` or inside an open quote, as in the shell.
    var commands: [(command: String, expected: [String]?)] {
        var result: [(command: String, expected: [String]?)] = []
        var pending: String?
        for line in body {
            if let open = pending {
                pending = open + "\n" + line
            } else if language == "console" {
                guard line.hasPrefix("$ ") else {
                    if !result.isEmpty { result[result.count - 1].expected?.append(line) }
                    continue
                }
                pending = String(line.dropFirst(2))
            } else {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                pending = line
            }
            if let command = pending, MarkdownBlock.isComplete(command) {
                result.append((command, language == "console" ? [] : nil))
                pending = nil
            }
        }
        return result
    }

    /// Whether `command` ends outside quotes and not with a line continuation.
    static func isComplete(_ command: String) -> Bool {
        var quote: Character?
        var escaped = false
        for character in command {
            if escaped {
                escaped = false
                continue
            }
            switch (quote, character) {
            case (nil, "\\"), ("\"", "\\"): escaped = true
            case (nil, "'"), (nil, "\""): quote = character
            case ("'", "'"), ("\"", "\""): quote = nil
            default: break
            }
        }
        return quote == nil && !escaped
    }
}

/// A scratch project the examples run in.
struct Sandbox {
    let project: URL
    let environment: [String: String]

    init(_ dir: URL) throws {
        project = dir.appendingPathComponent("project")
        let bin = dir.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        for folder in ["Contracts", "Recordings", "scenarios"] {
            try FileManager.default.copyItem(at: repositoryFile(folder), to: project.appendingPathComponent(folder))
        }
        let shared = repositoryFile("").deletingLastPathComponent().appendingPathComponent("shared")
        if FileManager.default.fileExists(atPath: shared.path) {
            try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("shared"), withDestinationURL: shared)
        }
        try FileManager.default.createSymbolicLink(
            at: bin.appendingPathComponent("fakepbx"), withDestinationURL: URL(fileURLWithPath: try fakepbxExecutable()))
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        for name in ["FAKEPBX_USERNAME", "FAKEPBX_PASSWORD", "FAKEPBX_API_KEY", "FAKEPBX_PORT", "FAKEPBX_HOST"] { environment[name] = nil }
        self.environment = environment
    }

    /// Runs a `sh` or `console` block; servers it starts stop when it ends.
    func run(_ block: MarkdownBlock, document: String) async throws {
        var ports: [String: String] = [:]
        var servers: [LaunchedProcess] = []
        defer {
            for server in servers where server.isRunning { server.signal(SIGKILL) }
        }
        func startServer(_ command: String) async throws -> [String] {
            let server = try await LaunchedProcess("/bin/sh", ["-c", "cd '\(project.path)' && exec \(command)"], environment: environment)
            servers.append(server)
            do {
                return try await server.waitForLines(1, timeout: .seconds(30))
            } catch {
                Issue.record("\(document):\(block.line): `\(command)` printed nothing: \(server.standardError)")
                throw error
            }
        }
        for (original, expected) in block.commands {
            var command = original.replacingOccurrences(of: "swift run fakepbx", with: "fakepbx")
            let words = command.split(separator: " ")
            let longRunning = words.first == "fakepbx" && (words.dropFirst().first == "serve" || words.dropFirst().first == "record")
            if command.contains(":8080") && ports["8080"] == nil && !(longRunning && words.dropFirst().first == "serve") {
                // The block talks to a fakepbx it does not start: give it a fresh one.
                let line = try await startServer("fakepbx serve --port 0")
                ports["8080"] = line[0].firstMatch(of: #/http://[^ ]*:(\d+)/#).map { String($0.1) }
            }
            for (readme, actual) in ports { command = command.replacingOccurrences(of: ":\(readme)", with: ":\(actual)") }
            if longRunning {
                command = command.replacing(#/--https-port \d+/#, with: "--https-port 0").replacing(#/--port \d+/#, with: "--port 0")
                if !command.contains("--port ") { command = command.replacing(#/ *#.*$/#, with: "") + " --port 0" }
                let server = try await startServer(command)
                let banner = servers.last!
                let first = server[0]
                if words.dropFirst().first == "serve" {
                    ports["8080"] = first.firstMatch(of: #/http://[^ ]*:(\d+)/#).map { String($0.1) }
                    ports["8443"] = first.firstMatch(of: #/https://[^ ]*:(\d+)/#).map { String($0.1) }
                } else {
                    ports["8081"] = first.firstMatch(of: #/on http://[^ ]*:(\d+)/#).map { String($0.1) }
                }
                if let expected {
                    let shown = expected.filter { $0 != "…" }.count
                    let lines = try await banner.waitForLines(max(1, shown))
                    compare(lines.joined(separator: "\n"), expected, ports: ports, at: "\(document):\(block.line): `\(original)`")
                }
                continue
            }
            // curl's status goes to stderr, so an answer redirected to a file stays as it is.
            let isCurl = command.hasPrefix("curl ")
            let line = isCurl ? "curl -sS -w '%{stderr}\\n%{http_code}' " + command.dropFirst(5) : command
            let result = try await runProcess("/bin/sh", ["-c", "cd '\(project.path)' && timeout 120 " + line], environment: environment)
            let output = result.stdout
            let status = isCurl ? result.stderr.split(separator: "\n").last.flatMap { Int($0) } : nil
            let place = "\(document):\(block.line): `\(original)`"
            #expect(result.status == 0, "\(place) exited \(result.status): \(result.stderr.suffix(800))")
            if let expected {
                compare(output, expected, ports: ports, at: place)
            } else if let status {
                #expect(status < 400, "\(place) answered \(status): \(output.prefix(400))")
            }
        }
        for server in servers {
            server.signal(SIGTERM)
            _ = try await server.waitForExit(timeout: .seconds(30))  // a hang bound; the server's own is 2 s
            #expect(
                server.exitStatus == 0, "\(document):\(block.line): a server of the block did not stop cleanly: \(server.standardError.suffix(400))")
        }
    }

    /// `actual`, with the real ports put back to the README's, matches the lines shown (`…` is anything).
    func compare(_ actual: String, _ expected: [String], ports: [String: String], at place: String) {
        var text = actual.trimmingCharacters(in: .whitespacesAndNewlines)
        for (readme, real) in ports { text = text.replacingOccurrences(of: ":\(real)", with: ":\(readme)") }
        let shown = expected.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        let pattern = "^" + NSRegularExpression.escapedPattern(for: shown).replacingOccurrences(of: "…", with: "[\\s\\S]*") + "$"
        let matches =
            (try? NSRegularExpression(pattern: pattern)).map {
                $0.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            } ?? false
        #expect(matches, "\(place) printed\n\(text.prefix(1500))\nbut the documentation shows\n\(shown)")
    }

    /// Checks a CI file against the CI system's own schema, as vendored by check-jsonschema.
    func lintCI(_ block: MarkdownBlock, schema: String, document: String) async throws {
        let linter = try toolOnPath(
            "check-jsonschema", neededFor: "checking the CI recipes", install: "python3 -m pip install check-jsonschema==0.39.0")
        let file = project.appendingPathComponent("ci-\(block.line).yaml")
        try block.body.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let result = try await runProcess(linter, ["--builtin-schema", "vendor.\(schema)", file.path])
        #expect(result.status == 0, "\(document):\(block.line): not a valid \(schema) file: \(result.stdout)\(result.stderr)")
    }

    func lintScenario(_ block: MarkdownBlock, document: String) async throws {
        guard block.body.contains(where: { $0.hasPrefix("name:") }) else { return }
        let file = project.appendingPathComponent("example-\(block.line).yaml")
        try block.body.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let result = try await runProcess(try fakepbxExecutable(), ["scenario", "lint", file.path])
        #expect(result.status == 0, "\(document):\(block.line): the scenario does not lint: \(result.stdout)\(result.stderr)")
    }

    static func parseJSON(_ block: MarkdownBlock, document: String) {
        // `{…}` and `"…"` stand for what is left out.
        let text = block.body.joined(separator: "\n").replacingOccurrences(of: "{…}", with: "{}")
        let parses = [text, "{" + text + "}"].contains {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8), options: [.fragmentsAllowed])) != nil
        }
        #expect(parses, "\(document):\(block.line): the JSON example does not parse")
    }
}

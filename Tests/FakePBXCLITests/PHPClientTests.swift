import Foundation
import TestSupport
import Testing

@testable import FakePBX

#if canImport(Glibc)
import Glibc
#endif

/// The PHP client (`clients/php`, Composer package `fakepbx/fakepbx-php`) and the example billing
/// module (`examples/billing-module`), run as their users run them: Debian's `php -l` and
/// `phpunit`, the example installed with `composer install` from the path repository with the
/// network switched off, both suites against the built `fakepbx`.
@Suite("The PHP client and the example module", .serialized)
struct PHPClientTests {
    @Test("php -l finds no syntax error in any PHP file of the repository, and composer validate none in its composer.json files")
    func everyFileLints() async throws {
        let files = PHPSuites.phpFiles()
        try #require(files.count >= 20, "found only \(files.count) PHP files under clients/ and examples/")
        let php = try PHPSuites.tool("php")
        for file in files {
            let lint = try await runProcess(php, ["-l", file])
            #expect(lint.status == 0, "\(file): \(lint.stdout)\(lint.stderr)")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["COMPOSER_ALLOW_SUPERUSER"] = "1"
        for folder in ["clients/php", "examples/billing-module"] {
            let validate = try await runProcess(
                try PHPSuites.tool("composer"), ["validate", "--no-check-lock", "--working-dir", repositoryFile(folder).path],
                environment: environment)
            #expect(validate.status == 0, "\(folder)/composer.json: \(validate.stdout)\(validate.stderr)")
        }
    }

    @Test("the package's PHPUnit suite passes against the built binary, and it calls every control route", arguments: PHPUnit.allCases)
    func packageSuite(phpunit: PHPUnit) async throws {
        try await withTemporaryDirectory { dir in
            let log = dir.appendingPathComponent("control.log").path
            let run = try await phpunit.run(
                ["-c", repositoryFile("clients/php/phpunit.xml.dist").path, "--exclude-group", "image"],
                environment: ["FAKEPBX_CONTROL_LOG": log])
            #expect(run.passed, "\(run.output)")
            let called = Set(
                (try String(contentsOfFile: log, encoding: .utf8)).split(separator: "\n").map {
                    $0.split(separator: " ").prefix(2).joined(separator: " ")
                })
            let missing = PHPSuites.controlRoutes.subtracting(called)
            #expect(missing.isEmpty, "control routes no test of clients/php called through Admin: \(missing.sorted())")
            #expect(
                called.isSubset(of: PHPSuites.controlRoutes),
                "Admin called routes the server does not have: \(called.subtracting(PHPSuites.controlRoutes).sorted())")
        }
    }

    @Test("a server the client started stops when the PHP process that started it is killed")
    func aKilledTestRunLeavesNoServer() async throws {
        let script =
            "require '\(repositoryFile("clients/php/autoload.php").path)'; "
            + "$server = FakePbx\\Server::start(https: false); echo $server->pid, PHP_EOL; sleep(600);"
        var environment = ProcessInfo.processInfo.environment
        environment["FAKEPBX_BINARY"] = try fakepbxExecutable()
        let php = try await LaunchedProcess(try PHPSuites.tool("php"), ["-r", script], environment: environment)
        defer { php.signal(SIGKILL) }
        let pid = try #require(Int32(try await php.waitForLines(1)[0]), "\(php.output) \(php.standardError)")
        #expect(PHPSuites.isRunning(pid), "fakepbx \(pid) is not running")
        php.signal(SIGKILL)
        // No shutdown function runs in a killed PHP: the pipe it held as the server's input closes.
        let stopped = try await eventually(timeout: .seconds(30)) { !PHPSuites.isRunning(pid) }
        #expect(stopped, "fakepbx \(pid) outlived the PHP process that started it")
    }

    @Test("Fault has a named constructor for every fault kind the server knows")
    func everyFaultKind() throws {
        let source = try String(contentsOf: repositoryFile("clients/php/src/Fault.php"), encoding: .utf8)
        let kinds = Set(source.matches(of: #/new self\('([a-z-]+)'/#).map { String($0.1) })
        #expect(kinds == Set(Fault.Kind.Name.allCases.map(\.rawValue)))
    }

    @Test("the example module installs with Composer from the path repository offline, and its tests pass", arguments: PHPUnit.allCases)
    func exampleModule(phpunit: PHPUnit) async throws {
        try await PHPSuites.withExample { example, _ in
            let run = try await phpunit.run(["-c", example.appendingPathComponent("phpunit.xml.dist").path])
            #expect(run.passed && run.output.contains("OK (6 tests"), "\(run.output)")
        }
    }

    @Test("docs/php.md's commands install the package into a project beside a fakepbx checkout, with no network", arguments: ["path", "vcs"])
    func composerRequire(repository: String) async throws {
        let page = try String(contentsOf: repositoryFile("docs/php.md"), encoding: .utf8)
        let blocks = page.matches(of: #/```sh\n((?:git -C \.\./fakepbx|composer config repositories\.fakepbx ')[^`]*)```/#).map { String($0.1) }
        try #require(blocks.count == 2, "docs/php.md should have a path block and a VCS block: \(blocks)")
        let commands = blocks[repository == "path" ? 0 : 1].split(separator: "\n").map(String.init)
        try await withTemporaryDirectory { dir in
            let project = dir.appendingPathComponent("billing")
            try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
            try #"{"name": "example/billing", "require": {}}"#.write(
                to: project.appendingPathComponent("composer.json"), atomically: true, encoding: .utf8)
            try await PHPSuites.checkout(at: dir.appendingPathComponent("fakepbx"))
            let environment = PHPSuites.composerEnvironment(home: dir.appendingPathComponent("composer-home"))
            for command in commands {
                let run = try await PHPSuites.offline(["/bin/sh", "-c", "cd '\(project.path)' && \(command)"], environment: environment)
                try #require(run.status == 0, "\(command): \(run.stdout)\(run.stderr)")
            }
            let loaded = try await runProcess(
                try PHPSuites.tool("php"),
                ["-r", "require '\(project.path)/vendor/autoload.php'; echo get_class(new FakePbx\\Admin('http://127.0.0.1:1'));"])
            #expect(loaded.stdout == "FakePbx\\Admin", "\(loaded.stdout)\(loaded.stderr)")
        }
    }

    @Test("the broken module, which ignores Retry-After, fails its test naming the 429s and the journal", arguments: PHPUnit.allCases)
    func brokenExample(phpunit: PHPUnit) async throws {
        try await PHPSuites.withExample { example, _ in
            let run = try await phpunit.run(
                ["-c", example.appendingPathComponent("phpunit.xml.dist").path], environment: ["BILLING_MODULE_LIB": "broken"])
            #expect(!run.passed, "\(run.output)")
            #expect(run.output.contains("Tests: 6, Assertions:") && run.output.contains("Errors: 1."), "one test fails: \(run.output)")
            #expect(run.output.contains("testA429IsRetriedAfterItsRetryAfter"), "\(run.output)")
            #expect(run.output.contains("export_cdr.php answered 429: Rate Limited"), "\(run.output)")
            let refused = run.output.matches(of: #/POST /app/xml_cdr/export_cdr.php \(export_cdr\) -> 429 \[rate-limit:cdr\]/#).count
            #expect(refused == 3, "the journal's entries for the first call and the two immediate retries: \(run.output)")
            #expect(run.output.contains("fakepbx journal, the last"), "\(run.output)")
        }
    }
}

/// Both PHP suites against the container image, as `FAKEPBX_IMAGE` selects it.
@Suite("The PHP client against the image", .serialized)
struct PHPClientImageTests {
    @Test("the package's suite (its image group too) and the example module pass against the image")
    func suitesAgainstTheImage() async throws {
        let image = try await Podman.load(try ReleaseArtifacts.image())
        _ = try Podman.executable()
        let package = try await PHPUnit.debian12.run(
            ["-c", repositoryFile("clients/php/phpunit.xml.dist").path], environment: ["FAKEPBX_IMAGE": image])
        #expect(package.passed, "\(package.output)")
        try await PHPSuites.withExample { example, _ in
            let run = try await PHPUnit.debian12.run(
                ["-c", example.appendingPathComponent("phpunit.xml.dist").path], environment: ["FAKEPBX_IMAGE": image])
            #expect(run.passed, "\(run.output)")
        }
    }
}

/// The PHPUnit versions the suites run on: Debian 12's 9.6 (its `phpunit` package), and 11.5,
/// Debian 13's, unpacked beside it by `scripts/php/phpunit11` (attributes instead of annotations,
/// failures reported before `onNotSuccessfulTest()`).
enum PHPUnit: String, CaseIterable, CustomTestStringConvertible {
    case debian12 = "PHPUnit 9.6"
    case debian13 = "PHPUnit 11.5"

    var testDescription: String { rawValue }

    struct Run {
        let status: Int32
        let output: String
        var passed: Bool { status == 0 && output.contains("\nOK (") }
    }

    /// Runs this PHPUnit with the built `fakepbx` as `FAKEPBX_BINARY`.
    func run(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> Run {
        var environment = ProcessInfo.processInfo.environment
        environment["FAKEPBX_BINARY"] = try fakepbxExecutable()
        environment.merge(extra) { $1 }
        let (executable, prefix) = try command()
        let run = try await runProcess(executable, prefix + arguments, environment: environment, hangBound: .seconds(600))
        return Run(status: run.status, output: run.stdout + run.stderr)
    }

    private func command() throws -> (String, [String]) {
        switch self {
        case .debian12: return (try PHPSuites.tool("phpunit"), [])
        case .debian13:
            let unpacked = repositoryFile(".build-phpunit11/usr/bin/phpunit")
            guard FileManager.default.fileExists(atPath: unpacked.path) else {
                throw RawHTTPClient.Failure(
                    "\(unpacked.path) is missing: run scripts/php/phpunit11 (.ci/run does), which unpacks Debian 13's PHPUnit 11")
            }
            return (try PHPSuites.tool("php"), [unpacked.path])
        }
    }
}

/// Running PHP's tools on the repository's PHP code.
enum PHPSuites {
    static func tool(_ name: String) throws -> String {
        try toolOnPath(name, neededFor: "the PHP client's tests", install: "apt-get install php-cli php-curl phpunit composer")
    }

    /// Every `.php` file under `clients/` and `examples/`, installed dependencies left out.
    static func phpFiles() -> [String] {
        ["clients", "examples"].flatMap { folder -> [String] in
            let root = repositoryFile(folder)
            let names = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
            return names.filter { $0.hasSuffix(".php") && !$0.contains("vendor/") }.map { root.appendingPathComponent($0).path }
        }.sorted()
    }

    /// Every control route the package must call: the server's table, less the dashboard page
    /// (opened in a browser; a test fetches its address) and the aliases without a usage (HEAD).
    static let controlRoutes: Set<String> = Set(
        ControlAPI.table.filter { $0.usage != nil && !$0.path.isEmpty }.map(\.label))

    /// Whether process `pid` runs (exists and is not a zombie, which an init that does not reap
    /// would leave).
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        return stat.split(separator: ")").last?.split(separator: " ").first != "Z"
    }

    /// Composer with an empty home: no cache to install from.
    static func composerEnvironment(home: URL) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["COMPOSER_HOME"] = home.path
        environment["COMPOSER_ALLOW_SUPERUSER"] = "1"
        return environment
    }

    /// Runs a command in a network namespace of its own (`unshare --net`), where there is no
    /// network at all: what it installs must come from the disk.
    static func offline(_ command: [String], environment: [String: String]) async throws -> ProcessResult {
        let unshare = try toolOnPath("unshare", neededFor: "installing without a network", install: "apt-get install util-linux")
        return try await runProcess(unshare, ["--net"] + command, environment: environment)
    }

    /// A fakepbx checkout as Git holds it, with the PHP client committed: what the VCS block splits.
    static func checkout(at folder: URL) async throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: repositoryFile("clients"), to: folder.appendingPathComponent("clients"))
        for installed in ["vendor", "composer.lock"] {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent("clients/php").appendingPathComponent(installed))
        }
        let git = try tool("git")
        for arguments in [
            ["init", "--quiet"], ["add", "--all"],
            ["-c", "user.name=fakepbx", "-c", "user.email=tests@fakepbx.invalid", "commit", "--quiet", "-m", "clients"],
        ] {
            let run = try await runProcess(git, ["-C", folder.path] + arguments)
            try #require(run.status == 0, "git \(arguments.joined(separator: " ")): \(run.stderr)")
        }
    }

    /// The example and the client copied as the repository lays them out, the example installed
    /// with `composer install` from the path repository, with no network and an empty Composer home.
    static func withExample(_ body: (URL, URL) async throws -> Void) async throws {
        try await withTemporaryDirectory { dir in
            let example = dir.appendingPathComponent("examples/billing-module")
            let client = dir.appendingPathComponent("clients/php")
            for (from, to) in [("examples/billing-module", example), ("clients/php", client)] {
                try FileManager.default.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
                try FileManager.default.copyItem(at: repositoryFile(from), to: to)
                for installed in ["vendor", "composer.lock"] { try? FileManager.default.removeItem(at: to.appendingPathComponent(installed)) }
            }
            let environment = composerEnvironment(home: dir.appendingPathComponent("composer-home"))
            let install = try await offline(
                [try tool("composer"), "install", "--no-interaction", "--no-progress", "--working-dir", example.path], environment: environment)
            try #require(install.status == 0, "composer install: \(install.stdout)\(install.stderr)")
            let installed = example.appendingPathComponent("vendor/fakepbx/fakepbx-php/src/Admin.php")
            try #require(FileManager.default.fileExists(atPath: installed.path), "composer did not install the client: \(install.stderr)")
            try await body(example, client)
        }
    }
}

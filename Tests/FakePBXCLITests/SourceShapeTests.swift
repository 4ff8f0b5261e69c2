import Foundation
import TestSupport
import Testing

/// The limits the code is kept to (issue 16): no source file over 400 lines and no function,
/// initializer, accessor or closure over 80, measured by the Swift parser, so that a reader finds
/// each step in a piece that fits on a screen.
@Suite("Source shape")
struct SourceShapeTests {
    static let maxFileLines = 400
    static let maxFunctionLines = 80

    @Test func noFileOver400LinesAndNoBodyOver80() async throws {
        let sources = repositoryFile("Sources")
        let files = (FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".swift") }.sorted().map { sources.appendingPathComponent($0).path }
        #expect(files.count > 100, "the Sources folder was not found at \(sources.path)")
        var over: [String] = []
        for file in files {
            let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).count
            if lines > Self.maxFileLines { over.append("\(file): \(lines) lines (at most \(Self.maxFileLines))") }
        }
        for body in try await SourceBody.all(in: files) where body.length > Self.maxFunctionLines {
            over.append("\(body) (at most \(Self.maxFunctionLines))")
        }
        #expect(over.isEmpty, "split these:\n\(over.joined(separator: "\n"))")
    }

    /// swift-argument-parser derives an unnamed command's name with `String(describing:)`, whose
    /// first-time protocol-conformance lookups cost about 2 ms of every start (perf).
    @Test func everyCommandNamesItself() throws {
        let folder = repositoryFile("Sources/FakePBXCLI")
        var unnamed: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path).filter({ $0.hasSuffix(".swift") }).sorted() {
            let lines = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8).components(separatedBy: "\n")
            for (index, line) in lines.enumerated() where line.contains("CommandConfiguration(") {
                let call = lines[index...].prefix(3).joined(separator: " ")
                if !call.contains("commandName:") { unnamed.append("Sources/FakePBXCLI/\(file):\(index + 1)") }
            }
        }
        #expect(unnamed.isEmpty, "give these CommandConfigurations a commandName: \(unnamed)")
    }

    /// A checkout on a case-insensitive file system (macOS, Windows) merges two paths that differ
    /// only in case, so no two tracked paths may.
    @Test func noTwoTrackedPathsDifferOnlyInCase() async throws {
        let git = try toolOnPath("git", neededFor: "listing the tracked files", install: "apt-get install git")
        let listed = try await runProcess(git, ["-C", repositoryFile(".").path, "ls-files", "-z"])
        #expect(listed.status == 0, "git ls-files failed: \(listed.stderr)")
        let paths = listed.stdout.split(separator: "\0").map(String.init)
        #expect(paths.count > 100, "git ls-files listed \(paths.count) paths")
        #expect(caseCollisions(in: paths).isEmpty, "rename one of each pair: \(caseCollisions(in: paths))")
        #expect(caseCollisions(in: ["Sources/FakePBX/A.swift", "Sources/fakepbx/B.swift"]) == [["Sources/FakePBX", "Sources/fakepbx"]])
    }

    /// What fooled the brace counter before: a default-argument closure, a brace in a string, a
    /// long closure outside any function.
    @Test func theParserMeasuresEveryBody() async throws {
        try await withTemporaryDirectory { dir in
            let steps = Array(repeating: "        step()", count: 85)
            let source =
                ["struct S {", #"    func long(done: () -> Void = { }, text: String = "}") {"#] + steps + ["    }", "}"]
                + ["let table = {", "    [", "        1,"] + Array(repeating: "        2,", count: 85) + ["    ]", "}()"]
            let file = dir.appendingPathComponent("Shapes.swift").path
            try source.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
            let bodies = try await SourceBody.all(in: [file])
            #expect(bodies.contains(SourceBody(kind: "function", file: file, line: 2, length: 87)), "\(bodies)")
            #expect(bodies.contains(SourceBody(kind: "closure", file: file, line: 90, length: 90)), "\(bodies)")
            #expect(bodies.contains(SourceBody(kind: "closure", file: file, line: 2, length: 1)), "\(bodies)")
        }
    }
}

/// Every pair of paths, or folders on them, that differ only in case.
func caseCollisions(in paths: [String]) -> [[String]] {
    var seen: [String: String] = [:]
    var collisions: Set<[String]> = []
    for path in paths {
        let parts = path.split(separator: "/")
        for end in 1...parts.count {
            let prefix = parts[..<end].joined(separator: "/")
            if let other = seen[prefix.lowercased()], other != prefix {
                collisions.insert([other, prefix].sorted())
            } else {
                seen[prefix.lowercased()] = prefix
            }
        }
    }
    return collisions.sorted { $0.joined() < $1.joined() }
}

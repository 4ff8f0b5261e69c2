import Foundation
import TestSupport
import Testing

/// The limits the code is kept to (issue 16): no source file over 400 lines and no function or
/// initializer over 80, so that a reader finds each step in a piece that fits on a screen.
@Suite("Source shape")
struct SourceShapeTests {
    static let maxFileLines = 400
    static let maxFunctionLines = 80

    @Test func noFileOver400LinesAndNoFunctionOver80() async throws {
        let sources = repositoryFile("Sources")
        let files = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        #expect(files.count > 100, "the Sources folder was not found at \(sources.path)")
        // Every source file read and scanned: off Swift's cooperative pool, which the servers of other tests need.
        let over = try await offThePool { () throws -> [String] in
            var over: [String] = []
            for file in files.sorted() {
                let lines = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8).components(separatedBy: "\n")
                if lines.count > Self.maxFileLines { over.append("Sources/\(file): \(lines.count) lines (at most \(Self.maxFileLines))") }
                for (start, length) in Self.functions(in: lines) where length > Self.maxFunctionLines {
                    over.append("Sources/\(file):\(start + 1): a function of \(length) lines (at most \(Self.maxFunctionLines)): \(lines[start].trimmingCharacters(in: .whitespaces))")
                }
            }
            return over
        }
        #expect(over.isEmpty, "split these:\n\(over.joined(separator: "\n"))")
    }

    /// swift-argument-parser derives an unnamed command's name with `String(describing:)`, whose
    /// first-time protocol-conformance lookups cost about 2 ms of every start (perf).
    @Test func everyCommandNamesItself() throws {
        let folder = repositoryFile("Sources/fakepbx")
        var unnamed: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path).filter({ $0.hasSuffix(".swift") }).sorted() {
            let lines = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8).components(separatedBy: "\n")
            for (index, line) in lines.enumerated() where line.contains("CommandConfiguration(") {
                let call = lines[index...].prefix(3).joined(separator: " ")
                if !call.contains("commandName:") { unnamed.append("Sources/fakepbx/\(file):\(index + 1)") }
            }
        }
        #expect(unnamed.isEmpty, "give these CommandConfigurations a commandName: \(unnamed)")
    }

    @Test func theCounterFindsALongFunction() {
        let long = ["    func long() {"] + Array(repeating: "        step()", count: 85) + ["    }"]
        #expect(Self.functions(in: ["struct S {"] + long + ["}"]).contains { $0 == (1, 87) })
    }

    /// Each `func` or `init` declaration's first line and length, by matching braces (string
    /// literals and line comments left out).
    static func functions(in lines: [String]) -> [(Int, Int)] {
        let declaration = /^\s*(@\w+(\([^)]*\))?\s+)*((public|private|fileprivate|internal|package|static|mutating|override|final|nonisolated|convenience|required)\s+)*(func|init)\b/
        var found: [(Int, Int)] = []
        for (index, line) in lines.enumerated() where line.contains(declaration) {
            var depth = 0, opened = false
            for end in index..<lines.count {
                let code = lines[end].replacing(/"(?:[^"\\]|\\.)*"/, with: "\"\"").split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                for character in code {
                    if character == "{" { depth += 1; opened = true } else if character == "}" { depth -= 1 }
                }
                if opened && depth <= 0 {
                    found.append((index, end - index + 1))
                    break
                }
            }
        }
        return found
    }
}

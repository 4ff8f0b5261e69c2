import Foundation
import TestSupport

/// The bodies in Swift sources (functions, initializers, accessors, closures) with their line
/// spans, as the Swift compiler's own parser sees them: `swiftc -dump-parse` prints the parsed
/// tree with each node's source range. A default-argument closure, a string holding a brace or a
/// multi-line literal cannot mislead it as they misled a brace counter.
struct SourceBody: Equatable, CustomStringConvertible {
    var kind: String
    var file: String
    var line: Int
    var length: Int

    var description: String { "\(file):\(line): \(kind.first.map { "aeiou".contains($0) } == true ? "an" : "a") \(kind) of \(length) lines" }

    /// Every body in `files` (paths as given), parsed in one run of the compiler.
    static func all(in files: [String]) async throws -> [SourceBody] {
        // The compiler's frontend, each file a primary file, prints the trees to standard output
        // one after the other (16 MB for the package; the driver's own -dump-parse writes them to
        // standard error in small writes, 30 times slower). sed starts each file's tree on a line
        // of its own, and grep keeps the 1 MB read here: the files and the nodes with bodies.
        let script = """
            set -o pipefail
            "$0" -frontend -dump-parse -swift-version 6 "$@" \
              | sed 's/)(source_file "/)\\n(source_file "/g' \
              | grep -aE '^ *\\((source_file|func_decl|constructor_decl|destructor_decl|accessor_decl|[a-z_]*=?closure_expr|brace_stmt)'
            """
        let result = try await runProcess("/bin/bash", ["-c", script, try swiftc()] + files.flatMap { ["-primary-file", $0] })
        guard result.status == 0 else {
            throw RawHTTPClient.Failure("swiftc -dump-parse could not parse the sources (status \(result.status)):\n\(result.stderr.prefix(3000))")
        }
        let dump = result.stdout
        let (bodies, parsed) = try await offThePool { parse(dump) }
        let missing = Set(files).subtracting(parsed)
        guard missing.isEmpty else { throw RawHTTPClient.Failure("swiftc printed no tree for \(missing.sorted())") }
        return bodies
    }

    private static let declarations: [(prefix: [UInt8], kind: String)] = [
        ("(func_decl ", "function"), ("(constructor_decl ", "initializer"), ("(destructor_decl ", "deinitializer"), ("(accessor_decl ", "accessor"),
    ].map { (Array($0.0.utf8), $0.1) }

    /// The bodies in a dump, and the files it has a tree for. Works on bytes: the dump of the
    /// package's sources is some 20 MB.
    static func parse(_ dump: String) -> ([SourceBody], Set<String>) {
        let bytes = Array(dump.utf8)
        var lines: [Range<Int>] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            lines.append(start..<index)
            start = index + 1
        }
        lines.append(start..<bytes.count)
        func indent(_ line: Range<Int>) -> Int { bytes[line].prefix { $0 == UInt8(ascii: " ") }.count }
        func starts(_ line: Range<Int>, at column: Int, with prefix: [UInt8]) -> Bool {
            line.count >= column + prefix.count && bytes[(line.lowerBound + column)..<(line.lowerBound + column + prefix.count)].elementsEqual(prefix)
        }
        let sourceFile = Array("(source_file \"".utf8)
        let brace = Array("(brace_stmt".utf8)
        let closure = Array("closure_expr".utf8)
        var bodies: [SourceBody] = []
        var files = Set<String>()
        var seenClosures = Set<String>()
        for (number, line) in lines.enumerated() {
            let column = indent(line)
            if starts(line, at: column, with: sourceFile) {
                let path = bytes[(line.lowerBound + column + sourceFile.count)..<line.upperBound].prefix { $0 != UInt8(ascii: "\"") }
                files.insert(String(decoding: path, as: UTF8.self))
            } else if let kind = declarations.first(where: { starts(line, at: column, with: $0.prefix) })?.kind, let span = range(bytes[line]) {
                bodies.append(SourceBody(kind: kind, file: span.file, line: span.first, length: span.last - span.first + 1))
            } else if bytes[line].dropFirst(column).prefix(while: { $0 != UInt8(ascii: " ") }).reversed().starts(with: closure.reversed()) {
                // A closure's span is that of its brace statement, a child two columns in.
                for child in lines[(number + 1)...] {
                    let childColumn = indent(child)
                    if childColumn <= column { break }
                    guard childColumn == column + 2, starts(child, at: childColumn, with: brace), let span = range(bytes[child]) else { continue }
                    // The dump shows an initializer's closure twice (as written and as processed).
                    if seenClosures.insert("\(span.file):\(span.first):\(span.last)").inserted {
                        bodies.append(SourceBody(kind: "closure", file: span.file, line: span.first, length: span.last - span.first + 1))
                    }
                    break
                }
            }
        }
        return (bodies, files)
    }

    /// `range=[FILE:LINE:COLUMN - line:LINE:COLUMN]` in a node's line.
    private static func range(_ node: ArraySlice<UInt8>) -> (file: String, first: Int, last: Int)? {
        let marker = Array("range=[".utf8)
        guard let open = node.indices.first(where: { node[$0...].starts(with: marker) }) else { return nil }
        let text = String(decoding: node[(open + marker.count)...].prefix { $0 != UInt8(ascii: "]") }, as: UTF8.self)
        let halves = text.components(separatedBy: " - line:")
        guard halves.count == 2 else { return nil }
        let start = halves[0].split(separator: ":")
        let end = halves[1].split(separator: ":")
        guard start.count >= 3, let first = Int(start[start.count - 2]), let last = Int(end[0]) else { return nil }
        return (start.dropLast(2).joined(separator: ":"), first, last)
    }

    /// The Swift compiler on the PATH, the one that builds the package.
    private static func swiftc() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
        guard let swiftc = path.split(separator: ":").map({ "\($0)/swiftc" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else {
            throw RawHTTPClient.Failure(
                "the source-shape checks parse the sources with swiftc, which is not on the PATH; put the Swift toolchain's bin folder on it")
        }
        return swiftc
    }
}

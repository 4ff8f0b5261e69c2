import Foundation
import TestSupport
import Testing

/// Every relative link in the README, the changelog and docs/ leads to a file that exists and, with
/// `#anchor`, to a heading of it (GitHub's anchors: lower case, punctuation dropped, spaces as `-`).
@Suite("Documentation links")
struct DocumentationLinkTests {
    @Test(arguments: ReadmeExamplesTests.documents)
    func everyRelativeLinkLeadsSomewhere(document: String) throws {
        let file = repositoryFile(document)
        let text = try String(contentsOf: file, encoding: .utf8)
        var broken: [String] = []
        for (number, line) in text.components(separatedBy: "\n").enumerated() {
            for match in line.matches(of: #/\]\(([^)\s]+)\)/#) {
                let target = String(match.1)
                if target.hasPrefix("http://") || target.hasPrefix("https://") || target.hasPrefix("mailto:") { continue }
                let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let linked = parts[0].isEmpty ? file : file.deletingLastPathComponent().appendingPathComponent(parts[0])
                guard FileManager.default.fileExists(atPath: linked.path) else {
                    broken.append("\(document):\(number + 1): \(target): no such file")
                    continue
                }
                if parts.count == 2, linked.pathExtension == "md" {
                    let headings = try Self.anchors(in: String(contentsOf: linked, encoding: .utf8))
                    if !headings.contains(parts[1]) { broken.append("\(document):\(number + 1): \(target): no such heading") }
                }
            }
        }
        #expect(broken.isEmpty, "fix these links:\n\(broken.joined(separator: "\n"))")
    }

    @Test func anchorsAreGitHubs() {
        #expect(
            Self.anchors(in: "# HTTPS, the billing module's real configuration\n## `fakepbx serve`") == [
                "https-the-billing-modules-real-configuration", "fakepbx-serve",
            ])
    }

    /// The anchors GitHub gives a Markdown file's headings.
    static func anchors(in text: String) -> [String] {
        var inFence = false
        return text.components(separatedBy: "\n").compactMap { line in
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") { inFence.toggle() }
            guard !inFence, let match = line.wholeMatch(of: #/#{1,6} (.*)/#) else { return nil }
            return String(
                match.1.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == " " || $0 == "_" }
            ).replacingOccurrences(of: " ", with: "-")
        }
    }
}

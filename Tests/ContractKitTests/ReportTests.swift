import ContractKit
import Foundation
import JSONSchema
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses JUnit XML with Foundation's XML parser and counts what CI would see.
final class JUnitReader: NSObject, XMLParserDelegate {
    var suites: [[String: String]] = []
    var root: [String: String] = [:]
    var testcases = 0, failures = 0, skipped = 0, errors = 0
    var failureTexts: [String] = []
    private var text = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        switch name {
        case "testsuites": root = attributes
        case "testsuite": suites.append(attributes)
        case "testcase": testcases += 1
        case "failure":
            failures += 1
            text = ""
        case "skipped": skipped += 1
        case "error": errors += 1
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "failure" { failureTexts.append(text) }
    }

    static func read(_ xml: String) throws -> JUnitReader {
        let reader = JUnitReader()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = reader
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.coderReadCorrupt) }
        return reader
    }
}

@Suite("Reports")
struct ReportTests {
    static func sample() -> ContractReport {
        let nasty = ContractViolation(
            subject: .body, pointer: "/message", rule: "schemas/x.json#/properties/message/pattern",
            message: "\"<b>&'\u{1}\" does not match", value: "\"<b>&'\""
        )
        return ContractReport(
            title: "contract run", target: "http://127.0.0.1:1",
            suites: [
                .init(
                    name: "a",
                    checks: [
                        .init(name: "one › body", operation: "status", violations: []),
                        .init(name: "two › body", operation: "status", violations: [nasty, nasty]),
                        .init(name: "three", operation: nil, outcome: .skipped("--read-only")),
                    ]),
                .init(name: "b & c", checks: [.init(name: "four", operation: "chkcon", outcome: .error("no answer: connection reset"))]),
            ],
            startedAt: "2026-11-23T12:00:00Z", durationSeconds: 0.25
        )
    }

    @Test func junitIsWellFormedWithTheRightCounts() throws {
        let report = Self.sample()
        let junit = try JUnitReader.read(report.junitXML())
        #expect(junit.root["tests"] == "4" && junit.root["failures"] == "1" && junit.root["skipped"] == "1" && junit.root["errors"] == "1")
        #expect(junit.suites.map { $0["name"] } == ["a", "b & c"])
        #expect(junit.suites.map { $0["tests"] } == ["3", "1"])
        #expect(junit.testcases == 4 && junit.failures == 1 && junit.skipped == 1 && junit.errors == 1)
        let failure = try #require(junit.failureTexts.first)
        #expect(failure.contains("body /message: \"<b>&'\u{FFFD}\" does not match"))
        #expect(failure.contains("rule:  schemas/x.json#/properties/message/pattern"))
        #expect(report.exitCode == 1)
    }

    @Test func jsonAndConsoleAgree() throws {
        let report = Self.sample()
        let json = report.json
        #expect(json["summary"]?["failed"] == 1)
        #expect(json["suites"]?.arrayValue?[0]["checks"]?.arrayValue?[1]["violations"]?.arrayValue?.count == 2)
        let console = report.consoleSummary()
        #expect(console.contains("FAIL a: two › body [status]"))
        #expect(console.contains("ERROR b & c: four: no answer: connection reset"))
        #expect(console.hasSuffix("4 checks, 1 passed, 1 failed, 1 skipped, 1 error in 0.25 s: contracts broken"))
        let passing = ContractReport(
            title: "t", target: "x", suites: [.init(name: "a", checks: [.init(name: "ok", operation: nil, violations: [])])], startedAt: "")
        #expect(passing.exitCode == 0)
    }

    @Test func htmlHasTheJUnitCountsAndEscapesEverythingItShows() throws {
        let html = Self.sample().htmlDocument()
        for (id, count) in [("total", 4), ("passed", 1), ("failed", 1), ("skipped", 1), ("errors", 1)] {
            #expect(html.contains("<td id=\"\(id)\">\(count)</td>"), "\(id)")
        }
        #expect(html.contains("<code class=\"pointer\">/message</code>"))
        #expect(html.contains("&quot;&lt;b&gt;&amp;&apos;"), "the message and value are escaped")
        #expect(!html.contains("<b>&"), "nothing the server sent reaches the page as markup")
        #expect(html.contains("<strong>b &amp; c</strong>"))
        #expect(!html.contains("<script"), "the report runs no script")
    }
}

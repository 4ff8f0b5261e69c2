import Foundation
import TestSupport
import Testing

@testable import ContractKit

/// `XMLPaths`, the scanner `upgrade check` reads XML answers with (FoundationXML stays out of the
/// release binary), against Python's expat as the reference: the same paths, and the same verdict
/// on what is malformed, for well-formed documents and for each way of breaking one. (Foundation's
/// `XMLParser` on Linux is no reference: it accepts an empty document, an unclosed root, two roots
/// and unquoted attributes, which PHP's SimpleXML, the billing client's parser, refuses.)
@Suite("XML paths")
struct XMLPathsTests {
    static let wellFormed = [
        #"<?xml version="1.0" encoding="UTF-8"?><xml_cdr><cdr uuid="a1" direction='inbound'><variables><uuid>a1</uuid><tta>3</tta></variables><app_log/></cdr></xml_cdr>"#,
        "<r>\n  <!-- a comment -->\n  <a x=\"1 &lt; 2 &amp; &#x33; &#51;\">text &quot;quoted&quot; &apos;</a>\n  <![CDATA[ <not> & a tag ]]>\n  <a/>\n</r>\n",
        "\u{FEFF}<r><r><r/></r></r>",
        "<!DOCTYPE r [ <!ELEMENT r ANY> ]><r/>",
        "<?pi data?><r><?inner pi?><ns:e ns:a=\"v\" xmlns:ns=\"urn:x\"/></r><!-- after -->",
        "<r><ä ö=\"ü\">é</ä></r>",
    ]

    static let malformed = [
        "", "   ", "text only", "<r>", "<r></s>", "<r><a></r></a>", "<r/><r/>", "<r/>trailing", "leading<r/>",
        "<r a=1/>", "<r a=\"1\" a=\"2\"/>", "<r a=\"<\"/>", "<r a=\"1\"b=\"2\"/>", "<r>&nbsp;</r>", "<r>& </r>",
        "<r>&#xZZ;</r>", "<r><!-- open </r>", "<r><![CDATA[ open </r>", "<1r/>", "<r>&#0;</r>", "</r>", "<r></r >x",
        "<![CDATA[x]]><r/>", "<r/><!DOCTYPE r>",
    ]

    @Test("the scanner agrees with expat on every document")
    func sameAsExpat() async throws {
        let documents = Self.wellFormed + Self.malformed
        let references = try await Self.expat(documents)
        for (index, document) in documents.enumerated() {
            let paths = XMLPaths(document)
            let reference = references[index]
            #expect(paths.failed == reference.failed, "\(document.debugDescription): expat says failed \(reference.failed)")
            #expect(reference.failed == (index >= Self.wellFormed.count), "the case list is wrong about \(document.debugDescription)")
            guard !reference.failed else { continue }
            #expect(paths.elements == reference.elements, "\(document.debugDescription)")
            #expect(paths.attributes == reference.attributes, "\(document.debugDescription)")
        }
    }

    @Test("elements nested deeper than libxml2's 256 are malformed, as PHP's SimpleXML finds them")
    func depthLimit() {
        func nested(_ depth: Int) -> String { String(repeating: "<e>", count: depth) + String(repeating: "</e>", count: depth) }
        #expect(!XMLPaths(nested(XMLPaths.maximumDepth)).failed)
        #expect(XMLPaths(nested(XMLPaths.maximumDepth + 1)).failed)
        #expect(XMLPaths(nested(100_000)).failed)
    }

    struct Reference: Decodable {
        var failed: Bool
        var elements: Set<String>
        var attributes: Set<String>
    }

    /// Each document's verdict and paths as Python's expat reads them.
    static func expat(_ documents: [String]) async throws -> [Reference] {
        let script = #"""
            import json, sys, xml.parsers.expat
            out = []
            for text in json.loads(sys.argv[1]):
                stack, elements, attributes = [], set(), set()
                def start(name, attrs):
                    stack.append(name); path = "/" + "/".join(stack); elements.add(path)
                    attributes.update(path + "@" + a for a in attrs)
                parser = xml.parsers.expat.ParserCreate()
                parser.StartElementHandler = start
                parser.EndElementHandler = lambda name: stack.pop()
                try:
                    parser.Parse(text.encode("utf-8"), True); failed = False
                except xml.parsers.expat.ExpatError:
                    failed = True
                out.append({"failed": failed, "elements": sorted(elements), "attributes": sorted(attributes)})
            print(json.dumps(out))
            """#
        let input = String(decoding: try JSONEncoder().encode(documents), as: UTF8.self)
        let result = try await runProcess(try python3(), ["-c", script, input])
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONDecoder().decode([Reference].self, from: Data(result.stdout.utf8))
    }
}

import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

extension AnswerDifference {
    /// Elements and attributes present on one side only, by path (`/xml_cdr/cdr/variables/uuid`,
    /// `/xml_cdr/cdr@uuid`).
    static func compareXML(_ old: String, _ new: String, into differences: inout [AnswerDifference]) {
        let a = XMLPaths(old)
        let b = XMLPaths(new)
        for path in a.elements.subtracting(b.elements).sorted() { differences.append(.init(.xmlElementRemoved, path)) }
        for path in b.elements.subtracting(a.elements).sorted() { differences.append(.init(.xmlElementAdded, path)) }
        for path in a.attributes.subtracting(b.attributes).sorted() { differences.append(.init(.xmlAttributeRemoved, path)) }
        for path in b.attributes.subtracting(a.attributes).sorted() { differences.append(.init(.xmlAttributeAdded, path)) }
        if a.failed != b.failed {
            differences.append(.init(.bodyFormat, "", old: a.failed ? "malformed XML" : "XML", new: b.failed ? "malformed XML" : "XML"))
        }
    }
}

/// The element and attribute paths of an XML document.
final class XMLPaths: NSObject, XMLParserDelegate {
    private(set) var elements = Set<String>()
    private(set) var attributes = Set<String>()
    private(set) var failed = false
    private var stack: [String] = []

    init(_ text: String) {
        super.init()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = self
        failed = !parser.parse()
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        stack.append(elementName)
        let path = "/" + stack.joined(separator: "/")
        elements.insert(path)
        for name in attributes.keys { self.attributes.insert("\(path)@\(name)") }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        _ = stack.popLast()
    }
}

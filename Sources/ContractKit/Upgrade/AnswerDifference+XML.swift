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

/// The element and attribute paths of an XML document, and whether it is well-formed.
///
/// A small scanner rather than FoundationXML's `XMLParser`, which links libxml2 and, through it,
/// the system's ICU (32 MB) into the release binary and the image. It checks what makes a document
/// malformed in XML 1.0 (§2.1, §3.1, §4.1): one root element, matched and nested tags, names,
/// quoted and unique attributes, no `<` in an attribute value, character and predefined entity
/// references only (a document with no DTD declares no other), comments, CDATA sections and
/// processing instructions closed, nothing but white space, comments and processing instructions
/// outside the root. Like libxml2, which PHP's SimpleXML reads with, it refuses elements nested
/// deeper than 256 (`xmlParserMaxDepth` without `XML_PARSE_HUGE`); that also keeps the paths, each
/// as long as its depth, linear in the document.
struct XMLPaths {
    /// libxml2's default limit on element depth.
    static let maximumDepth = 256

    private(set) var elements = Set<String>()
    private(set) var attributes = Set<String>()
    private(set) var failed = false

    init(_ text: String) {
        var scanner = Scanner(bytes: Array(text.utf8))
        do {
            try scanner.document { path, names in
                elements.insert(path)
                for name in names { attributes.insert("\(path)@\(name)") }
            }
        } catch {
            failed = true
        }
    }

    struct Malformed: Error {}

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var stack: [String] = []

        init(bytes: [UInt8]) {
            self.bytes = bytes
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        }

        mutating func document(_ element: (String, Set<String>) -> Void) throws {
            var rootSeen = false
            while index < bytes.count {
                if at("<?") {
                    try skip(past: "?>")
                } else if at("<!--") {
                    try skip(past: "-->")
                } else if at("<![CDATA[") {
                    guard !stack.isEmpty else { throw Malformed() }
                    try skip(past: "]]>")
                } else if at("<!DOCTYPE") {
                    guard !rootSeen else { throw Malformed() }
                    try skipDoctype()
                } else if at("</") {
                    index += 2
                    let name = try self.name()
                    skipSpace()
                    guard take(UInt8(ascii: ">")), stack.popLast() == name else { throw Malformed() }
                } else if at("<") {
                    guard stack.isEmpty ? !rootSeen : true else { throw Malformed() }
                    rootSeen = true
                    try startTag(element)
                } else {
                    try text()
                }
            }
            guard rootSeen, stack.isEmpty else { throw Malformed() }
        }

        private mutating func startTag(_ element: (String, Set<String>) -> Void) throws {
            index += 1
            let name = try self.name()
            stack.append(name)
            guard stack.count <= XMLPaths.maximumDepth else { throw Malformed() }
            let path = "/" + stack.joined(separator: "/")
            var names = Set<String>()
            while true {
                let spaced = skipSpace()
                if take(UInt8(ascii: ">")) { break }
                if at("/>") {
                    index += 2
                    stack.removeLast()
                    break
                }
                guard spaced else { throw Malformed() }
                let attribute = try self.name()
                skipSpace()
                guard take(UInt8(ascii: "=")) else { throw Malformed() }
                skipSpace()
                try quotedValue()
                guard names.insert(attribute).inserted else { throw Malformed() }
            }
            element(path, names)
        }

        private mutating func quotedValue() throws {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else { throw Malformed() }
            let quote = bytes[index]
            index += 1
            while index < bytes.count, bytes[index] != quote {
                if bytes[index] == UInt8(ascii: "<") { throw Malformed() }
                if bytes[index] == UInt8(ascii: "&") { try reference() } else { index += 1 }
            }
            guard take(quote) else { throw Malformed() }
        }

        private mutating func text() throws {
            while index < bytes.count, bytes[index] != UInt8(ascii: "<") {
                let byte = bytes[index]
                if stack.isEmpty, !Self.isSpace(byte) { throw Malformed() }
                if byte == UInt8(ascii: "&") { try reference() } else { index += 1 }
            }
        }

        /// `&lt;` and the other predefined entities, `&#60;` or `&#x3C;`.
        private mutating func reference() throws {
            index += 1
            guard let end = bytes[index...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else { throw Malformed() }
            let body = bytes[index..<end]
            index = end + 1
            if body.first == UInt8(ascii: "#") {
                let hex = body.dropFirst().first == UInt8(ascii: "x")
                let digits = body.dropFirst(hex ? 2 : 1)
                guard !digits.isEmpty, let value = UInt32(String(decoding: digits, as: UTF8.self), radix: hex ? 16 : 10),
                    let scalar = Unicode.Scalar(value), scalar.value >= 0x20 || [0x9, 0xA, 0xD].contains(scalar.value)
                else { throw Malformed() }
                return
            }
            guard ["lt", "gt", "amp", "apos", "quot"].contains(String(decoding: body, as: UTF8.self)) else { throw Malformed() }
        }

        private mutating func name() throws -> String {
            let start = index
            while index < bytes.count, Self.isNameByte(bytes[index], first: index == start) { index += 1 }
            guard index > start else { throw Malformed() }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        private mutating func skipDoctype() throws {
            var depth = 0
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "]"): depth -= 1
                case UInt8(ascii: ">") where depth == 0:
                    index += 1
                    return
                default: break
                }
                index += 1
            }
            throw Malformed()
        }

        private mutating func skip(past end: String) throws {
            let marker = Array(end.utf8)
            while index + marker.count <= bytes.count {
                if bytes[index..<index + marker.count].elementsEqual(marker) {
                    index += marker.count
                    return
                }
                index += 1
            }
            throw Malformed()
        }

        @discardableResult
        private mutating func skipSpace() -> Bool {
            let start = index
            while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
            return index > start
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        private func at(_ prefix: String) -> Bool { bytes[index...].starts(with: prefix.utf8) }

        private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x9 || byte == 0xA || byte == 0xD }

        /// XML 1.0's name characters in ASCII; every byte of a multi-byte UTF-8 character counts as one.
        private static func isNameByte(_ byte: UInt8, first: Bool) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"), UInt8(ascii: ":"), 0x80...: true
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."): !first
            default: false
            }
        }
    }
}

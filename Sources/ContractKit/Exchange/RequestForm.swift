import JSONSchema
import MultipartKit
import NIOCore

/// The parameters a PHP script reads from a request, decoded the way PHP fills `$_GET`, `$_POST`
/// and `$_REQUEST` (php-src `main/php_variables.c`, `main/rfc1867.c`, PHP 8.1–8.3):
///
/// - `application/x-www-form-urlencoded`, in UTF-8 or the `charset` the Content-Type names;
/// - `multipart/form-data`, which PHP's curl sends when `CURLOPT_POSTFIELDS` is an array (parsed by
///   multipart-kit; file parts go to `$_FILES` in PHP and are left out here);
/// - any other Content-Type, or none, gives no fields: PHP leaves `$_POST` empty. ``Reading/lenient``
///   (recordings, HAR imports) reads those as urlencoded and a flat JSON object's members as fields,
///   as ``Reading/php`` does with `jsonBodies` (`serve --json-bodies`).
///
/// Names follow PHP's rules: `a[]=1&a[]=2` is the array `a` (flattened here as `a[0]`, `a[1]`),
/// `a[k]=v` the member `a[k]`, and `.` or a space in a top-level name become `_`. The body wins over
/// the query string by top-level name, as `$_REQUEST` merges them.
public enum RequestForm {
    /// Why a body or query string could not be read.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
        public init(_ message: String) { self.message = message }
    }

    /// PHP's `max_input_nesting_level`.
    static let maxNesting = 64
    /// PHP's `max_input_vars` as a stock php.ini sets it.
    public static let maxInputVars = 1000

    /// The fields a script sees: the query string's, with the body's winning by top-level name.
    public static func fields(
        query: String, body: [UInt8], contentType: String?, reading: Reading = .lenient
    ) throws(Failure) -> [String: String] {
        merged(
            query: fields(try queryRead(query, reading: reading).pairs),
            body: fields(try bodyRead(body, contentType: contentType, reading: reading).pairs)
        )
    }

    /// `$_REQUEST`: `body` wins over `query` for each top-level name, arrays included.
    public static func merged(query: [String: String], body: [String: String]) -> [String: String] {
        guard !query.isEmpty else { return body }
        let bodyNames = Set(body.keys.map(baseName))
        var result = query.filter { !bodyNames.contains(baseName($0.key)) }
        for (name, value) in body { result[name] = value }
        return result
    }

    /// The query string's name/value pairs in order (always UTF-8, as browsers and curl send it).
    public static func queryPairs(_ query: String) throws(Failure) -> [(String, String)] {
        try queryRead(query, reading: .lenient).pairs
    }

    /// The query string as PHP reads it into `$_GET`: at most `max_input_vars` variables.
    public static func queryRead(_ query: String, reading: Reading) throws(Failure) -> Read {
        let pairs = try urlEncodedPairs(Array(query.utf8), charset: .utf8, what: "query string")
        return limited(pairs, to: maxInputVars, reading: reading, in: "query string")
    }

    /// The body's name/value pairs in order, read leniently by its Content-Type.
    public static func bodyPairs(_ body: [UInt8], contentType: String?) throws(Failure) -> [(String, String)] {
        try bodyRead(body, contentType: contentType, reading: .lenient).pairs
    }

    /// The body as `reading` reads it, and why some or all of it was not.
    public static func bodyRead(_ body: [UInt8], contentType: String?, reading: Reading) throws(Failure) -> Read {
        guard !body.isEmpty else { return Read(pairs: []) }
        let type = MediaType(contentType ?? "")
        // PHP compares the Content-Type up to the first `;`, `,` or space, ignoring case (SAPI's
        // sapi_read_post_data); fakepbx's essence is the same for any value PHP accepts.
        let essence = type.essence.prefix { $0 != "," && $0 != " " }
        switch essence {
        case "application/x-www-form-urlencoded":
            let pairs = try urlEncodedPairs(body, charset: try Charset(type.parameters["charset"]), what: "request body")
            // PHP's urlencoded reader registers one variable past the limit before it stops (add_post_vars).
            return limited(pairs, to: maxInputVars + 1, reading: reading, in: "request body")
        case "multipart/form-data":
            return limited(try multipartPairs(body, boundary: type.parameters["boundary"]), to: maxInputVars, reading: reading, in: "request body")
        case "application/json" where reading.jsonBodies:
            return Read(pairs: try jsonPairs(body))
        case _ where reading.phpContentTypes:
            return Read(pairs: [], note: .bodyNotRead(contentType: contentType))
        default:
            return Read(pairs: try urlEncodedPairs(body, charset: try Charset(type.parameters["charset"]), what: "request body"))
        }
    }

    /// The first `limit` pairs when `reading` applies PHP's limits.
    private static func limited(_ pairs: [(String, String)], to limit: Int, reading: Reading, in place: String) -> Read {
        guard reading.inputLimits, pairs.count > limit else { return Read(pairs: pairs) }
        return Read(pairs: Array(pairs.prefix(limit)), note: .inputVarsExceeded(read: limit, sent: pairs.count, in: place))
    }

    /// PHP's variable tree built from `pairs`, flattened to one value per full name: `a[]` gets the
    /// next index, a later plain `a` replaces an array `a` and the other way round, and the last of
    /// repeated names wins.
    public static func fields(_ pairs: [(String, String)]) -> [String: String] {
        // Plain names (the usual case) need no tree: the last of repeated names wins.
        if pairs.allSatisfy({ isPlain($0.0) }) {
            var fields: [String: String] = [:]
            fields.reserveCapacity(pairs.count)
            for (name, value) in pairs where !name.isEmpty { fields[name] = value }
            return fields
        }
        var roots = PHPArray()
        for (name, value) in pairs {
            guard let path = path(of: name) else { continue }
            // Past max_input_nesting_level PHP drops the variable and what it held so far (php_register_variable_ex).
            guard path.count - 1 <= maxNesting else {
                roots.members[path[0]] = nil
                continue
            }
            roots.insert(value, at: path[...])
        }
        var fields: [String: String] = [:]
        roots.flatten(prefix: nil, into: &fields)
        return fields
    }

    /// A name PHP takes as it is: no brackets, dots or spaces.
    static func isPlain(_ name: String) -> Bool {
        !name.utf8.contains { $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: " ") }
    }

    /// The top-level name of a flattened field: `a` for `a[0][k]`.
    static func baseName(_ name: String) -> Substring { name.prefix { $0 != "[" } }

    // MARK: Names

    /// PHP's reading of a variable name: the base (with `.` and space as `_`) and the bracketed keys,
    /// `""` for `[]`. `nil` for an empty base, which PHP drops.
    static func path(of name: String) -> [String]? {
        var base = ""
        var rest = Substring(name)
        while let first = rest.first, first != "[" {
            base.append(first == "." || first == " " ? "_" : first)
            rest = rest.dropFirst()
        }
        guard !base.isEmpty else { return nil }
        var path = [base]
        while rest.first == "[", let close = rest.firstIndex(of: "]"), path.count <= maxNesting + 1 {
            path.append(String(rest[rest.index(after: rest.startIndex)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        // PHP ignores what follows the last well-formed bracket; an unmatched `[` in the base becomes `_`.
        if path.count == 1, rest.first == "[" {
            path[0] += "_" + rest.dropFirst()
        }
        return path
    }

    /// One level of PHP's array: members in insertion order, and the next automatic index.
    struct PHPArray {
        enum Member {
            case value(String)
            case array(PHPArray)
        }
        var keys: [String] = []
        var members: [String: Member] = [:]
        var nextIndex = 0

        mutating func insert(_ value: String, at path: ArraySlice<String>) {
            guard var key = path.first else { return }
            if key.isEmpty {
                key = String(nextIndex)
            }
            if let index = Int(key), index >= nextIndex { nextIndex = index + 1 }
            if members[key] == nil { keys.append(key) }
            let rest = path.dropFirst()
            if rest.isEmpty {
                members[key] = .value(value)
                return
            }
            // Taken out while it grows, so it is not copied whole on each insert (copy-on-write).
            var child = PHPArray()
            if case .array(let existing)? = members.removeValue(forKey: key) { child = existing }
            child.insert(value, at: rest)
            members[key] = .array(child)
        }

        func flatten(prefix: String?, into fields: inout [String: String]) {
            for key in keys {
                let name = prefix.map { "\($0)[\(key)]" } ?? key
                switch members[key] {
                case .value(let value)?: fields[name] = value
                case .array(let array)?: array.flatten(prefix: name, into: &fields)
                case nil: break
                }
            }
        }
    }

    // MARK: Encodings

    /// The character sets a form body may name; PHP passes bytes through, fakepbx reads text.
    enum Charset: Sendable {
        case utf8, latin1, windows1252

        init(_ name: String?) throws(Failure) {
            switch name?.lowercased() {
            case nil, "utf-8", "utf8": self = .utf8
            case "iso-8859-1", "iso8859-1", "latin1", "l1", "us-ascii", "ascii": self = .latin1
            case "windows-1252", "cp1252": self = .windows1252
            case let other?:
                throw Failure("unsupported charset '\(other)' in the Content-Type; send utf-8, iso-8859-1 or windows-1252")
            }
        }

        /// The text of `bytes`: UTF-8 when it is valid (PHP does not check, so neither is it refused),
        /// else each byte as its Latin-1 or Windows-1252 character.
        func text(_ bytes: some Collection<UInt8>) -> String {
            if self == .utf8, let text = String(validating: bytes, as: UTF8.self) { return text }
            var text = ""
            text.unicodeScalars.reserveCapacity(bytes.count)
            for byte in bytes {
                if self == .windows1252, (0x80...0x9F).contains(byte), let scalar = Charset.windows1252High[Int(byte - 0x80)] {
                    text.unicodeScalars.append(scalar)
                } else {
                    text.unicodeScalars.append(Unicode.Scalar(byte))
                }
            }
            return text
        }

        /// Windows-1252's 0x80–0x9F (undefined positions fall back to the C1 control).
        private static let windows1252High: [Unicode.Scalar?] = [
            "\u{20AC}", nil, "\u{201A}", "\u{0192}", "\u{201E}", "\u{2026}", "\u{2020}", "\u{2021}", "\u{02C6}", "\u{2030}",
            "\u{0160}", "\u{2039}", "\u{0152}", nil, "\u{017D}", nil, nil, "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}",
            "\u{2022}", "\u{2013}", "\u{2014}", "\u{02DC}", "\u{2122}", "\u{0161}", "\u{203A}", "\u{0153}", nil, "\u{017E}",
            "\u{0178}",
        ]
    }

    private static func urlEncodedPairs(_ bytes: [UInt8], charset: Charset, what: String) throws(Failure) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = FormEncoding.unescapedBytes(parts[0], strict: true),
                let value = FormEncoding.unescapedBytes(parts.count > 1 ? parts[1] : [], strict: true)
            else {
                throw Failure("malformed \(what): bad percent-encoding in '\(String(decoding: pair.prefix(60), as: UTF8.self))'")
            }
            guard !name.isEmpty else {
                throw Failure("malformed \(what): a parameter has no name in '\(String(decoding: pair.prefix(60), as: UTF8.self))'")
            }
            pairs.append((charset.text(name), charset.text(value)))
        }
        return pairs
    }

    private static func multipartPairs(_ body: [UInt8], boundary: String?) throws(Failure) -> [(String, String)] {
        guard let boundary, !boundary.isEmpty, boundary.utf8.count <= 200 else {
            throw Failure("malformed multipart/form-data body: the Content-Type names no boundary (expected multipart/form-data; boundary=...)")
        }
        // A form with no fields is the close delimiter alone (curl -F with an empty array; PHP reads
        // an empty $_POST). RFC 2046 asks for one part at least, but PHP and browsers do not.
        if body.trimmingTrailingLineBreaks.elementsEqual(Array("--\(boundary)--".utf8)) { return [] }
        let parser = MultipartParser(boundary: boundary)
        var pairs: [(String, String)] = []
        var headers: [(String, String)] = []
        var value: [UInt8] = []
        var parts = 0
        parser.onHeader = { name, value in headers.append((name.lowercased(), value)) }
        parser.onBody = { buffer in value += buffer.readableBytesView }
        parser.onPartComplete = {
            parts += 1
            let disposition = MediaType(headers.last { $0.0 == "content-disposition" }?.1 ?? "")
            // File parts are `$_FILES` in PHP, not parameters.
            if let name = disposition.parameters["name"], disposition.parameters["filename"] == nil {
                let charset = (try? Charset(MediaType(headers.last { $0.0 == "content-type" }?.1 ?? "").parameters["charset"])) ?? .utf8
                pairs.append((name, charset.text(value)))
            }
            headers = []
            value = []
        }
        do {
            try parser.execute(body)
        } catch {
            throw Failure("malformed multipart/form-data body: it does not follow the boundary '\(boundary)' (RFC 7578)")
        }
        guard parts > 0 else {
            throw Failure("malformed multipart/form-data body: no part ends with the boundary '\(boundary)' (is the body complete?)")
        }
        return pairs
    }

    /// A flat JSON object of string parameters.
    private static func jsonPairs(_ body: [UInt8]) throws(Failure) -> [(String, String)] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw Failure("malformed JSON body: \(error)")
        }
        guard case .object(let object) = value else {
            throw Failure("a JSON body must be an object of parameter names to values")
        }
        // The contracts' fields are text, as a form sends them: a JSON body gives them as strings.
        var pairs: [(String, String)] = []
        for member in object {
            guard case .string(let text) = member.value else {
                throw Failure(
                    "JSON parameter '\(member.key)' must be a string (as a form field is), not \(member.value.typeDescription); write \(member.value.suggestedString.map { "\"\($0)\"" } ?? "it as text") or leave it out"
                )
            }
            pairs.append((member.key, text))
        }
        return pairs
    }
}

extension JSONValue {
    /// "a number", "null", ...: the value's kind, for messages.
    fileprivate var typeDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The text a form would carry for a number or boolean.
    fileprivate var suggestedString: String? {
        switch self {
        case .number(let number): number.literal
        case .bool(let flag): flag ? "true" : "false"
        default: nil
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate var trimmingTrailingLineBreaks: ArraySlice<UInt8> {
        var slice = self[...]
        while let last = slice.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: "\n") { slice = slice.dropLast() }
        return slice
    }
}

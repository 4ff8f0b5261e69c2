import JSONSchema
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    @Test func numbersKeepTheirExactValue() throws {
        let value = try JSONParser.parse(#"{"a": 1.0, "b": 19.99, "c": 1e400, "d": -0.0}"#)
        #expect(value["a"] == .number(JSONNumber(literal: "1.0")!))
        #expect(value["c"] == .number(JSONNumber(literal: "1e400")!), "1e400 does not fail the document")
        let one = try #require(JSONNumber(literal: "1.0"))
        #expect(one.isInteger)
        #expect(JSONNumber(literal: "19.99")!.isMultiple(of: JSONNumber(literal: "0.01")!))
        #expect(!JSONNumber(literal: "19.995")!.isMultiple(of: JSONNumber(literal: "0.01")!))
        #expect(JSONNumber(literal: "1e400")!.compare(to: JSONNumber(literal: "9e399")!) > 0)
        #expect(JSONNumber(literal: "-0.0")!.compare(to: JSONNumber(0)) == 0)
        #expect(JSONNumber(literal: "0.1")!.compare(to: JSONNumber(literal: "0.09999")!) > 0)
        #expect(JSONNumber(literal: "-2")!.compare(to: JSONNumber(literal: "-10")!) > 0)
    }

    @Test func stringsDecodeEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#"["\u00e9\ud83d\ude00\n\"\\\/", "é"]"#)
        #expect(value.arrayValue?[0] == .string("é😀\n\"\\/"))
        #expect(value.arrayValue?[1].stringValue?.unicodeScalars.count == 1)
    }

    @Test(arguments: [
        ("{\"a\": 1,\n \"a\": 2}", 2, 2, "duplicate key \"a\""),
        // An object past the size where its keys are indexed by hash; "é" composed and decomposed are two keys.
        ("{" + (0..<12).map { "\"k\($0)\": 0, " }.joined() + "\"e\u{301}\": 1, \"\u{e9}\": 2,\n \"k3\": 1}", 2, 2, "duplicate key \"k3\""),
        ("[1, 2,]", 1, 7, "unexpected character ']'; expected a value"),
        ("{\"a\" 1}", 1, 6, "expected ':' after the key"),
        ("\n\n  tru", 3, 3, "invalid literal; expected true"),
        ("[01]", 1, 2, "invalid number '01'"),
        ("\"a\u{01}b\"", 1, 3, "control character U+1 must be escaped in a string"),
        ("\"\\ud800\"", 1, 8, "unpaired surrogate \\ud800"),
        ("\"\\x\"", 1, 2, "invalid escape '\\x'"),
        ("[1] 2", 1, 5, "unexpected text after the JSON value"),
        ("", 1, 1, "unexpected end of input; expected a value"),
        ("{\"é\": [1,\n  }", 2, 3, "unexpected character '}'; expected a value"),
    ])
    func errorsNameLineAndColumn(_ text: String, _ line: Int, _ column: Int, _ message: String) {
        #expect(throws: JSONParseError(message: message, line: line, column: column)) { try JSONParser.parse(text) }
    }

    @Test func invalidUTF8IsReportedWithItsPosition() {
        let bytes: [UInt8] = Array("{\"a\":\n \"x".utf8) + [0xC3, 0x28] + Array("\"}".utf8)
        #expect(throws: JSONParseError(message: "invalid UTF-8", line: 2, column: 4)) { try JSONParser.parse(bytes) }
        let overlong: [UInt8] = [0x22, 0xC0, 0xAF, 0x22]
        #expect(throws: JSONParseError(message: "invalid UTF-8", line: 1, column: 2)) { try JSONParser.parse(overlong) }
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let text = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }
}

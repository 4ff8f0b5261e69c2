import Testing

@testable import JSONSchema

@Suite("Fast pattern matcher")
struct SimplePatternTests {
    static let patterns = [
        "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", #"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\+00$"#,
        "^[0-9*#+-]*$", "^[A-Z_0-9]+$", #"^\+?1?\d{10}$"#, "a+b", "^a*$", "x?y{2,3}z", #"[^\s]"#, #"^\S+@\S+$"#, "^.$",
        #"^[\w.-]+$"#, "^[-a]$", "^[a-]+$", #"\."#, "^$", "ab{0,}", #"^\u00e9$"#,
    ]
    static let inputs = [
        "", "a", "ab", "aab", "b", "xyyz", "yyyz", "xyz", "550e8400-e29b-41d4-a716-446655440000", "2024-01-15 10:30:00+00",
        "+12085551234", "12085551234", "NORMAL_CLEARING", "normal", "a.b-c", "-", "é", "e\u{301}", "\u{FEFF}", "a b",
        "user@example.com", "1*2#", "٣", ".",
    ]

    @Test(arguments: patterns)
    func agreesWithSwiftRegex(_ pattern: String) throws {
        let simple = try #require(SimplePattern.parse(pattern), "\(pattern) is inside the fast subset")
        let regex = try Regex(ECMAPattern.translate(pattern)).asciiOnlyDigits().asciiOnlyWordCharacters().matchingSemantics(.unicodeScalar)
        for input in Self.inputs {
            let expected = (try? regex.firstMatch(in: input)) != nil
            #expect(simple.matches(input) == expected, "\(pattern) on \(input.debugDescription)")
        }
    }

    @Test(arguments: ["(a|b)", "a+?", #"\bword"#, "(?=a)", #"\1"#, "a{2", "[a", #"\p{L}"#])
    func leavesOtherSyntaxToSwiftRegex(_ pattern: String) {
        #expect(SimplePattern.parse(pattern) == nil)
    }
}

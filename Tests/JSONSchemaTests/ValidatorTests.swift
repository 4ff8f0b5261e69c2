import JSONSchema
import Testing

@Suite("Validator")
struct ValidatorTests {
    func errors(_ schema: String, _ instance: String, formatAssertion: Bool = false) throws -> [ValidationError] {
        try Validator(schema: JSONParser.parse(schema), formatAssertion: formatAssertion).validate(JSONParser.parse(instance)).errors
    }

    @Test(arguments: [
        (#"{"type": "integer"}"#, #""5""#, "", "expected integer, got string \"5\""),
        (#"{"required": ["username", "password"]}"#, "{}", "", #"required properties "username", "password" missing"#),
        (#"{"properties": {"billsec": {"minimum": 0}}}"#, #"{"billsec": -1}"#, "/billsec", "-1 is less than the minimum 0"),
        (#"{"enum": ["JSON", "CSV", "XML"]}"#, #""PDF""#, "", #""PDF" is not one of ["JSON","CSV","XML"]"#),
        (#"{"maxLength": 3}"#, #""abcd""#, "", "string is 4 characters long; at most 3 allowed"),
        (#"{"pattern": "^\\d+$"}"#, #""12a""#, "", #""12a" does not match the pattern ^\d+$"#),
        (
            #"{"additionalProperties": false, "properties": {"a": true}}"#, #"{"a": 1, "b": 2}"#, "/b",
            #"property "b" is not allowed (additionalProperties is false)"#
        ),
        (#"{"multipleOf": 0.01}"#, "19.995", "", "19.995 is not a multiple of 0.01"),
        (#"{"oneOf": [{"type": "integer"}, {"minimum": 0}]}"#, "5", "", "matches 2 oneOf alternatives (0, 1); exactly one must match"),
        (#"{"format": "date"}"#, #""2024-02-30""#, "", #""2024-02-30" is not a valid date"#),
        (#"{"type": ["string", "null"]}"#, "1.5", "", "expected one of string, null, got number 1.5"),
        (#"{"const": "success"}"#, #""error""#, "", #"expected "success", got "error""#),
        (#"{"maximum": 100}"#, "101", "", "101 is greater than the maximum 100"),
        (#"{"exclusiveMaximum": 100}"#, "100", "", "100 must be less than 100"),
        (#"{"exclusiveMinimum": 0}"#, "0", "", "0 must be greater than 0"),
        (#"{"minLength": 2}"#, #""é""#, "", "string is 1 characters long; at least 2 required"),
        (#"{"maxItems": 1}"#, "[1, 2]", "", "array has 2 items; at most 1 allowed"),
        (#"{"minItems": 3}"#, "[1, 2]", "", "array has 2 items; at least 3 required"),
        (#"{"uniqueItems": true}"#, "[1, 2, 1.0]", "", "items 0 and 2 are equal; items must be unique"),
        (#"{"maxProperties": 1}"#, #"{"a": 1, "b": 2}"#, "", "object has 2 properties; at most 1 allowed"),
        (#"{"minProperties": 1}"#, "{}", "", "object has 0 properties; at least 1 required"),
        (
            #"{"dependentRequired": {"gateway_username": ["gateway_password"]}}"#, #"{"gateway_username": "u"}"#, "",
            #"property "gateway_username" requires "gateway_password", which is missing"#
        ),
        (#"{"contains": {"const": 5}}"#, "[1, 2]", "", #"no item matches the "contains" schema"#),
        (#"{"contains": {"const": 5}, "minContains": 2}"#, "[5, 1]", "", #"only 1 items match the "contains" schema; at least 2 must"#),
        (#"{"contains": {"const": 5}, "maxContains": 1}"#, "[5, 5]", "", #"2 items match the "contains" schema; at most 1 may"#),
        (#"{"not": {"type": "null"}}"#, "null", "", #"must not match the schema in "not""#),
        (#"{"anyOf": [{"type": "string"}, {"type": "null"}]}"#, "1", "", "matches none of the 2 anyOf alternatives"),
        (#"{"propertyNames": {"pattern": "^[a-z_]+$"}}"#, #"{"Bad": 1}"#, "/Bad", #"property name "Bad" does not match propertyNames"#),
        (#"{"items": false}"#, "[1]", "/0", "no value is allowed here (the schema is false)"),
        (
            #"{"unevaluatedProperties": false, "properties": {"a": true}}"#, #"{"a": 1, "b": 2}"#, "/b",
            #"property "b" is not allowed (unevaluatedProperties is false)"#
        ),
        (#"{"prefixItems": [true], "unevaluatedItems": false}"#, "[1, 2]", "/1", "item 1 is not allowed (unevaluatedItems is false)"),
    ])
    func messagesSayWhatIsWrongAndWhere(_ schema: String, _ instance: String, _ location: String, _ message: String) throws {
        let found = try errors(schema, instance, formatAssertion: true)
        #expect(found.contains { $0.instanceLocation == location && $0.message == message }, "got \(found)")
    }

    @Test func errorsCarryKeywordAndAbsoluteLocationsThroughRefs() throws {
        let schema = ##"""
            {"$id": "https://example.com/cdr.json",
             "properties": {"records": {"items": {"$ref": "#/$defs/record"}}},
             "$defs": {"record": {"properties": {"billsec": {"type": "integer"}}}}}
            """##
        let found = try errors(schema, #"{"records": [{"billsec": 1}, {"billsec": "9"}]}"#)
        let error = try #require(found.first)
        #expect(found.count == 1)
        #expect(error.instanceLocation == "/records/1/billsec")
        #expect(error.keywordLocation == "/properties/records/items/$ref/properties/billsec/type")
        #expect(error.absoluteKeywordLocation == "https://example.com/cdr.json#/$defs/record/properties/billsec/type")
    }

    @Test func formatIsAnAnnotationUnlessAsked() throws {
        #expect(try errors(#"{"format": "ipv4"}"#, #""999.1.1.1""#).isEmpty)
        #expect(try errors(#"{"format": "ipv4"}"#, #""999.1.1.1""#, formatAssertion: true).count == 1)
    }

    @Test(arguments: [
        (##"{"$ref": "#/$defs/missing"}"##, SchemaError.Code.unresolvableReference, "urn:fakepbx:schema#/$ref"),
        (#"{"properties": {"a": {"pattern": "(["}}}"#, .invalidRegex, "urn:fakepbx:schema#/properties/a/pattern"),
        (#"{"minLength": "3"}"#, .invalidKeyword, "urn:fakepbx:schema#/minLength"),
        (#"{"type": "text"}"#, .invalidKeyword, "urn:fakepbx:schema#/type"),
        (#"{"$schema": "https://example.com/unknown-meta"}"#, .unknownMetaSchema, "urn:fakepbx:schema#/$schema"),
        (#"{"items": 5}"#, .invalidKeyword, "urn:fakepbx:schema#/items"),
    ])
    func badSchemasFailCompilationWithThePointer(_ schema: String, _ code: SchemaError.Code, _ location: String) {
        #expect {
            try Validator(schema: JSONParser.parse(schema))
        } throws: { error in
            guard let error = error as? SchemaError else { return false }
            return error.code == code && error.location == location
        }
    }

    @Test func recursionWithoutProgressIsAnErrorNotAHang() throws {
        let found = try errors(##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}"##, "1")
        #expect(found.contains { $0.message.contains("infinite recursion") })
    }

    @Test func basicOutputShape() throws {
        let result = try Validator(schema: JSONParser.parse(#"{"type": "string"}"#)).validate(.int(1))
        let output = result.basicOutput
        #expect(output["valid"] == .bool(false))
        let first = try #require(output["errors"]?.arrayValue?.first)
        #expect(first.objectValue?.keys == ["instanceLocation", "keywordLocation", "absoluteKeywordLocation", "error"])
    }

    @Test func validatorIsSendableAndReusableAcrossTasks() async throws {
        let validator = try Validator(schema: JSONParser.parse(#"{"type": "object", "required": ["a"]}"#))
        let results = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<50 { group.addTask { validator.isValid(i.isMultiple(of: 2) ? ["a": 1] : ["b": 1]) } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 25)
    }
}

@Suite("Compiling many entry points")
struct CompileAllTests {
    @Test func sharedDocumentsAreCompiledOnceAndEachEntryValidatesOnItsOwn() throws {
        var registry = SchemaRegistry()
        registry.add(
            try JSONParser.parse(
                #"{"$defs": {"count": {"type": "integer", "minimum": 0}, "strict": {"properties": {"a": true}, "unevaluatedProperties": false}}}"#),
            uri: "https://fakepbx.invalid/common.json"
        )
        let validators = try Validator.compileAll(
            [
                (["$ref": "https://fakepbx.invalid/common.json#/$defs/count"], "https://fakepbx.invalid/entry/0"),
                (["$ref": "https://fakepbx.invalid/common.json#/$defs/strict"], "https://fakepbx.invalid/entry/1"),
            ],
            registry: registry
        )
        #expect(validators.count == 2)
        #expect(validators[0].isValid(3) && !validators[0].isValid(-1) && !validators[0].isValid("3"))
        #expect(validators[0].validate(-1).errors.first?.absoluteKeywordLocation == "https://fakepbx.invalid/common.json#/$defs/count/minimum")
        #expect(validators[1].isValid(["a": 1]) && !validators[1].isValid(["a": 1, "b": 2]))
        #expect(validators[1].validate(["b": 2]).errors.first?.instanceLocation == "/b")
        // A broken entry names its location.
        #expect(throws: SchemaError.self) {
            try Validator.compileAll([(["$ref": "https://fakepbx.invalid/missing.json"], "https://fakepbx.invalid/entry/0")], registry: registry)
        }
    }
}

/// JSON compares names and strings by code points (RFC 8259 §8.3); Swift's `String ==` uses
/// canonical equivalence, under which "é" (U+00E9) and "e\u{301}" are the same.
@Suite("Code-point comparison")
struct CodePointComparisonTests {
    let composed = "\u{E9}"
    let decomposed = "e\u{301}"

    func validator(_ schema: String) throws -> Validator { try Validator(schema: JSONParser.parse(schema)) }

    @Test func canonicallyEquivalentKeysAreTwoMembers() throws {
        let object = try #require(JSONParser.parse(#"{"\#(composed)": 1, "\#(decomposed)": 2}"#).objectValue)
        #expect(object.count == 2)
        #expect(object[composed] == 1 && object[decomposed] == 2)
        // Twelve members and more switch the object to a hash index; it must keep them apart too.
        var big = JSONObject()
        for i in 0..<20 { big["k\(i)"] = .number(JSONNumber(i)) }
        big[composed] = 1
        big[decomposed] = 2
        #expect(big.count == 22 && big[composed] == 1 && big[decomposed] == 2)
        // A true duplicate is still one.
        #expect(throws: JSONParseError.self) { try JSONParser.parse(#"{"\#(composed)": 1, "\#(composed)": 2}"#) }
    }

    @Test func keywordsCompareNamesByCodePoints() throws {
        let closed = try validator(#"{"properties": {"\#(composed)": {"type": "integer"}}, "additionalProperties": false}"#)
        #expect(closed.isValid(try JSONParser.parse(#"{"\#(composed)": 1}"#)))
        #expect(!closed.isValid(try JSONParser.parse(#"{"\#(decomposed)": 1}"#)))
        let typed = try validator(#"{"properties": {"\#(composed)": {"type": "integer"}}}"#)
        #expect(typed.isValid(try JSONParser.parse(#"{"\#(decomposed)": "not checked: another name"}"#)))
        let required = try validator(#"{"required": ["\#(composed)"]}"#)
        #expect(!required.isValid(try JSONParser.parse(#"{"\#(decomposed)": 1}"#)))
        let unevaluated = try validator(#"{"properties": {"\#(composed)": true}, "unevaluatedProperties": false}"#)
        #expect(!unevaluated.isValid(try JSONParser.parse(#"{"\#(decomposed)": 1}"#)))
        #expect(!(try validator(#"{"const": "\#(composed)"}"#)).isValid(.string(decomposed)))
        #expect(!(try validator(#"{"enum": [{"\#(composed)": 1}]}"#)).isValid(try JSONParser.parse(#"{"\#(decomposed)": 1}"#)))
        #expect((try validator(#"{"uniqueItems": true}"#)).isValid(.array([.string(composed), .string(decomposed)])))
        #expect(JSONValue.string(composed) != JSONValue.string(decomposed))
    }
}

@Suite("Exact multipleOf and format ABNF")
struct ExactNumberAndFormatTests {
    @Test(arguments: [
        ("18446744073709551616", "18446744073709551617", false),  // 2^64 does not divide 2^64+1
        ("18446744073709551616", "36893488147419103232", true),  // 2 × 2^64
        ("0.0000000000000000000001", "1", true),
        ("3", "1e400", false),  // 10^400 is not a multiple of 3
        ("2", "1e400", true),
        ("1e-400", "1", true),
        ("7", "7e2147483647", true),
        ("123456789012345678901234567890", "246913578024691357802469135780", true),
        ("123456789012345678901234567890", "246913578024691357802469135781", false),
        ("0.3", "1e-1000", false),
    ])
    func multipleOfIsExactForAnySize(_ divisor: String, _ value: String, _ expected: Bool) throws {
        let validator = try Validator(schema: JSONParser.parse(#"{"multipleOf": \#(divisor)}"#))
        #expect(validator.isValid(try JSONParser.parse(value)) == expected)
    }

    @Test(arguments: [
        ("uri", "https://example.com/a#frag", true),
        ("uri", "https://example.com/a#frag#again", false),
        ("uri-reference", "#a#b", false),
        ("uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d16380", true),
        ("uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d1638\u{FF10}", false),  // a full-width zero
        ("uuid", "\u{FF21}eb8aa08-aa98-11ea-b4aa-73b441d16380", false),  // a full-width A
    ])
    func formatsFollowTheirABNF(_ format: String, _ text: String, _ expected: Bool) throws {
        let validator = try Validator(schema: JSONParser.parse(#"{"format": "\#(format)"}"#), formatAssertion: true)
        #expect(validator.isValid(.string(text)) == expected, "\(format) \(text)")
    }
}

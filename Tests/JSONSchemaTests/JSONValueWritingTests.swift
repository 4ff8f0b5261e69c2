import JSONSchema
import Testing

@Suite("JSONValue writing")
struct JSONValueWritingTests {
    @Test func objectsKeepMemberOrder() {
        let value: JSONValue = ["status": "success", "message": "System operational", "active_calls": 5]
        #expect(value.serialized() == #"{"status":"success","message":"System operational","active_calls":5}"#)
    }

    @Test("members written as text equal the same members built as an object and serialized")
    func objectTextEqualsTheBuiltObject() {
        func members(_ object: inout some JSONMemberWriter) {
            object.write("id", 7)
            object.write("say \"hi\"", .string("line\nbreak"))
            object.write("nested", ["a": [1, 2, nil], "b": true])
        }
        var built = JSONObject()
        members(&built)
        var text = Array("data: ".utf8)
        JSONObjectText.append(to: &text) { members(&$0) }
        #expect(String(decoding: text, as: UTF8.self) == "data: " + JSONValue.object(built).serialized())
        var empty: [UInt8] = []
        JSONObjectText.append(to: &empty) { _ in }
        #expect(String(decoding: empty, as: UTF8.self) == "{}")
    }

    @Test func stringsAreEscapedAsJSONRequires() {
        let value: JSONValue = .string("a\"b\\c\n\t\u{01}/é☎")
        #expect(value.serialized() == "\"a\\\"b\\\\c\\n\\t\\u0001/é☎\"")
    }

    @Test func numbersKeepTheirLiteral() {
        #expect(JSONNumber(literal: "19.99")?.literal == "19.99")
        #expect(JSONNumber(literal: "1e400")?.literal == "1e400")
        #expect(JSONNumber(literal: "-0.5E-3") != nil)
        for bad in ["01", "1.", ".5", "+1", "1e", "--1", "", "0x10", "NaN"] {
            #expect(JSONNumber(literal: bad) == nil, "\(bad) is not JSON number syntax")
        }
        #expect(JSONValue.double(2.0).serialized() == "2")
        #expect(JSONValue.double(4.27).serialized() == "4.27")
        #expect(JSONValue.double(.infinity).serialized() == "0")
    }

    @Test func prettyPrinting() {
        let value: JSONValue = ["a": [1, 2], "b": [:], "c": []]
        #expect(value.serialized(.pretty) == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {},\n  \"c\": []\n}")
    }

    @Test func objectEqualityIgnoresOrderAndSettingReplacesInPlace() {
        var object: JSONObject = ["x": 1, "y": 2]
        #expect(JSONValue.object(object) == ["y": 2, "x": 1])
        object["x"] = 3
        #expect(object.keys == ["x", "y"])
        object["x"] = nil
        #expect(object.keys == ["y"])
    }
}

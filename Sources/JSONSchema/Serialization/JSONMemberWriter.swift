/// Where an object's members go, one at a time: a ``JSONObject`` being built, or JSON text being
/// written straight to bytes (``JSONObjectText``). A type that writes its members through this once
/// has both forms without saying its members twice.
public protocol JSONMemberWriter {
    /// Adds a member; keys are assumed distinct.
    mutating func write(_ key: String, _ value: JSONValue)
}

extension JSONObject: JSONMemberWriter {
    public mutating func write(_ key: String, _ value: JSONValue) { self[key] = value }
}

/// A compact JSON object written member by member onto the end of a byte buffer, with no
/// ``JSONValue`` tree for the object itself: for text written once per event, under load.
public struct JSONObjectText: JSONMemberWriter {
    private var bytes: [UInt8]
    private var empty = true

    private init(taking bytes: inout [UInt8]) {
        self.bytes = []
        // Swapped, not copied: appending stays in place however large `bytes` has grown.
        swap(&self.bytes, &bytes)
        self.bytes.append(UInt8(ascii: "{"))
    }

    /// Appends to `out` the object `members` writes.
    public static func append(to out: inout [UInt8], _ members: (inout JSONObjectText) -> Void) {
        var text = JSONObjectText(taking: &out)
        members(&text)
        text.bytes.append(UInt8(ascii: "}"))
        swap(&text.bytes, &out)
    }

    public mutating func write(_ key: String, _ value: JSONValue) {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
        JSONValue.writeString(key, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        value.write(into: &bytes)
    }
}

/// JSON object rows, written into a ``ByteSink``.
struct JSONRowWriter: CDRColumnWriter {
    let sink: ByteSink
    /// PHP's PostgreSQL driver returns `numeric` columns as strings: `"1795386377"`.
    let numbersAsStrings: Bool
    private var firstColumn = true

    init(sink: ByteSink, numbersAsStrings: Bool = false) {
        self.sink = sink
        self.numbersAsStrings = numbersAsStrings
    }

    mutating func beginRow() {
        sink.append(UInt8(ascii: "{"))
        firstColumn = true
    }

    func endRow() { sink.append(UInt8(ascii: "}")) }

    /// `,"key":` (no comma before the first column).
    private mutating func key(_ key: StaticString) {
        sink.reserve(key.utf8CodeUnitCount + 4)
        if !firstColumn { sink.appendUnchecked(UInt8(ascii: ",")) }
        firstColumn = false
        sink.appendUnchecked(UInt8(ascii: "\""))
        sink.appendUnchecked(UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        sink.appendUnchecked(UInt8(ascii: "\""))
        sink.appendUnchecked(UInt8(ascii: ":"))
    }

    mutating func text(_ key: StaticString, _ value: String) {
        self.key(key)
        ByteText.jsonString(value, into: sink)
    }

    mutating func text(_ key: StaticString, _ parts: (String, String, String, String)) {
        self.key(key)
        ByteText.jsonString(parts.0, into: sink, open: true, close: false)
        ByteText.jsonString(parts.1, into: sink, open: false, close: false)
        ByteText.jsonString(parts.2, into: sink, open: false, close: false)
        ByteText.jsonString(parts.3, into: sink, open: false, close: true)
    }

    mutating func int(_ key: StaticString, _ value: Int) {
        self.key(key)
        if numbersAsStrings { sink.append(UInt8(ascii: "\"")) }
        sink.append(value)
        if numbersAsStrings { sink.append(UInt8(ascii: "\"")) }
    }

    mutating func stamp(_ key: StaticString, _ epoch: Int) {
        self.key(key)
        ByteText.postgres(epoch, into: sink, quoted: true)
    }

    mutating func double(_ key: StaticString, _ value: Double?) {
        self.key(key)
        guard let value, value.isFinite else { return sink.append("null" as StaticString) }
        if numbersAsStrings { sink.append(UInt8(ascii: "\"")) }
        defer { if numbersAsStrings { sink.append(UInt8(ascii: "\"")) } }
        // Scores such as MOS have two decimals: written without Double's shortest-digits search, the
        // same text as `description`.
        let hundredths = (value * 100).rounded()
        if (0..<1_000_000).contains(hundredths), Double(Int(hundredths)) / 100 == value {
            let h = Int(hundredths)
            sink.append(h / 100)
            sink.append(UInt8(ascii: "."))
            if h % 10 != 0 {
                sink.append(UInt8(ascii: "0") + UInt8(h % 100 / 10))
                sink.append(UInt8(ascii: "0") + UInt8(h % 10))
            } else {
                sink.append(UInt8(ascii: "0") + UInt8(h % 100 / 10))
            }
        } else {
            sink.append("\(value)")
        }
    }

    mutating func bool(_ key: StaticString, _ value: Bool) {
        self.key(key)
        sink.append(value ? "true" as StaticString : "false")
    }

    mutating func null(_ key: StaticString) {
        self.key(key)
        sink.append("null" as StaticString)
    }
}

/// XML `<cdr>` rows: one element per column, null as an empty element.
struct XMLRowWriter: CDRColumnWriter {
    let sink: ByteSink

    private func element(_ key: StaticString, _ write: () -> Void) {
        let name = UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        sink.append(UInt8(ascii: "<"))
        sink.append(name)
        sink.append(UInt8(ascii: ">"))
        write()
        sink.append("</" as StaticString)
        sink.append(name)
        sink.append(UInt8(ascii: ">"))
    }

    mutating func text(_ key: StaticString, _ value: String) { element(key) { ByteText.xmlEscaped(value, into: sink) } }
    mutating func text(_ key: StaticString, _ parts: (String, String, String, String)) {
        element(key) {
            ByteText.xmlEscaped(parts.0, into: sink)
            ByteText.xmlEscaped(parts.1, into: sink)
            ByteText.xmlEscaped(parts.2, into: sink)
            ByteText.xmlEscaped(parts.3, into: sink)
        }
    }
    mutating func int(_ key: StaticString, _ value: Int) { element(key) { sink.append(value) } }
    mutating func stamp(_ key: StaticString, _ epoch: Int) { element(key) { ByteText.postgres(epoch, into: sink, quoted: false) } }
    mutating func double(_ key: StaticString, _ value: Double?) { element(key) { sink.append(value.map { "\($0)" } ?? "") } }
    mutating func bool(_ key: StaticString, _ value: Bool) { element(key) { sink.append(value ? "true" as StaticString : "false") } }
    mutating func null(_ key: StaticString) { element(key) {} }
}

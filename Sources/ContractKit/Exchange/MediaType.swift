/// A Content-Type or Content-Disposition value: the lower-cased essence and its parameters (names
/// lower-cased, quoted values unquoted).
struct MediaType {
    var essence: String
    var parameters: [String: String] = [:]

    init(_ text: String) {
        var items = MediaType.split(text)
        essence = items.isEmpty ? "" : items.removeFirst().trimmed.lowercased()
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            var value = parts[1].trimmed
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast()).replacingBackslashEscapes()
            }
            parameters[parts[0].trimmed.lowercased()] = value
        }
    }

    /// Splits on `;` outside double quotes.
    private static func split(_ text: String) -> [Substring] {
        var items: [Substring] = []
        var start = text.startIndex
        var quoted = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "\"" { quoted.toggle() }
            if character == ";" && !quoted {
                items.append(text[start..<index])
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        items.append(text[start...])
        return items
    }
}

extension StringProtocol {
    fileprivate var trimmed: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

extension String {
    fileprivate func replacingBackslashEscapes() -> String {
        var out = ""
        var escaped = false
        for character in self {
            if escaped || character != "\\" {
                out.append(character)
                escaped = false
            } else {
                escaped = true
            }
        }
        return out
    }
}

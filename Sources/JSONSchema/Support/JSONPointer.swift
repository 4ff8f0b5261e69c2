/// RFC 6901 JSON pointers.
public enum JSONPointer {
    public static func escape(_ token: String) -> String {
        // Almost no key needs escaping; check the bytes before doing any string work.
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        return token.replacingAll("~", with: "~0").replacingAll("/", with: "~1")
    }

    public static func unescape(_ token: some StringProtocol) -> String {
        String(token).replacingAll("~1", with: "/").replacingAll("~0", with: "~")
    }

    /// The value at `pointer` inside `root`, or `nil`.
    public static func resolve(_ pointer: String, in root: JSONValue) -> JSONValue? {
        if pointer.isEmpty { return root }
        guard pointer.hasPrefix("/") else { return nil }
        var current = root
        for raw in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let token = unescape(raw)
            switch current {
            case .object(let object):
                guard let next = object[token] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(token), token == String(index), items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard contains(target) else { return self }
        return splitting(by: target).joined(separator: replacement)
    }

    func splitting(by separator: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(self)
        while let range = rest.firstRange(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}

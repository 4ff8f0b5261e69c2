/// An ordered JSON object. Setting an existing key replaces its value in place.
public struct JSONObject: Sendable, Hashable, Sequence {
    /// One member of an object.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSONValue
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    public private(set) var members: [Member]
    /// Positions by key, kept for objects large enough that a linear search costs more than hashing.
    private var positions: [JSONKey: Int]? = nil
    private static let indexThreshold = 12

    public init() { self.members = [] }

    public init(_ pairs: KeyValuePairs<String, JSONValue>) {
        self.members = []
        for (key, value) in pairs { self[key] = value }
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }

    /// Appends a member without checking for an existing key (the parser has already done so).
    mutating func append(key: String, value: JSONValue) {
        members.append(Member(key: key, value: value))
        if positions != nil {
            if positions![JSONKey(key)] == nil { positions![JSONKey(key)] = members.count - 1 }
        } else if members.count == JSONObject.indexThreshold {
            reindex()
        }
    }
    /// Appends a member unless one has its key (compared by code points, as JSON compares names);
    /// whether it did. One hash of the key for an indexed object.
    mutating func appendIfNew(key: String, value: JSONValue) -> Bool {
        guard positions != nil else {
            guard !members.contains(where: { $0.key.hasSameCodePoints(as: key) }) else { return false }
            append(key: key, value: value)
            return true
        }
        var isNew = false
        let next = members.count
        func claim(_ position: inout Int) {
            if position == -1 {
                position = next
                isNew = true
            }
        }
        claim(&positions![JSONKey(key), default: -1])
        if isNew { members.append(Member(key: key, value: value)) }
        return isNew
    }

    public var keys: [String] { members.map(\.key) }

    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { members[$0].value } }
        set {
            if let index = position(of: key) {
                if let newValue {
                    members[index].value = newValue
                } else {
                    members.remove(at: index)
                    positions = nil
                    reindex()
                }
            } else if let newValue {
                append(key: key, value: newValue)
            }
        }
    }

    /// The same members, in the same order, each value replaced by what `transform` gives for its
    /// member; the keys' index is kept, not rebuilt.
    public func mapValues(_ transform: (Member) throws -> JSONValue) rethrows -> JSONObject {
        var copy = self
        for index in copy.members.indices { copy.members[index].value = try transform(members[index]) }
        return copy
    }

    /// Whether the object has a member named `key`.
    public func contains(_ key: String) -> Bool { position(of: key) != nil }

    private func position(of key: String) -> Int? {
        if let positions { return positions[JSONKey(key)] }
        // By code points, as JSON compares names: "é" and "e\u{301}" are two members.
        return members.firstIndex { $0.key.hasSameCodePoints(as: key) }
    }

    private mutating func reindex() {
        guard members.count >= JSONObject.indexThreshold else { return }
        var table: [JSONKey: Int] = [:]
        table.reserveCapacity(members.count)
        for (i, member) in members.enumerated() where table[JSONKey(member.key)] == nil { table[JSONKey(member.key)] = i }
        positions = table
    }

    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }

    // Objects compare as JSON does: member order does not matter.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.members.allSatisfy { rhs[$0.key] == $0.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for key in keys.sorted() { hasher.combine(key) }
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init()
        for (key, value) in elements { self[key] = value }
    }
}

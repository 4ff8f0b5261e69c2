extension KeyedDecodingContainer {
    /// Decodes `key` when present and not null, else returns `fallback`.
    func value<T: Decodable>(_ key: Key, or fallback: @autoclosure () -> T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback()
    }
}

/// A dataset record whose JSON field names are its `CodingKeys`, so unknown fields can be reported.
protocol DatasetRecord: Codable, Sendable {
    associatedtype CodingKeys: CodingKey & CaseIterable
}

extension DatasetRecord {
    static var fieldNames: Set<String> { Set(CodingKeys.allCases.map(\.stringValue)) }
}

/// An error in fakepbx's input: a configuration value, a whitelist file or a dataset.
///
/// Every error names what went wrong, how to fix it, and where: a `FILE:LINE`, a flag name, or a
/// `FILE#/json/pointer` location.
public struct FakePBXError: Error, Sendable, CustomStringConvertible {
    /// A stable, machine-readable category.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A whitelist line is not an IP address or CIDR block.
        public static let invalidWhitelist = Code("invalid-whitelist")
        /// A dataset file has a bad or inconsistent value.
        public static let invalidDataset = Code("invalid-dataset")
        /// A command-line flag or environment variable has a bad value.
        public static let invalidConfiguration = Code("invalid-configuration")
        /// A file could not be read or written.
        public static let fileAccess = Code("file-access")
    }

    public var code: Code
    /// What went wrong and how to fix it.
    public var message: String
    /// Where: `FILE:LINE`, `FILE#/pointer`, or a flag name.
    public var location: String?

    public init(_ code: Code, _ message: String, at location: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String {
        if let location { return "\(location): \(message)" }
        return message
    }
}

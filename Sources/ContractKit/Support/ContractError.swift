/// An error in contract input: a catalog, schema, case file, cassette or command-line value, or a
/// target that cannot be reached.
///
/// Every error names what went wrong, how to fix it, and where: `FILE#/json/pointer`, a flag, or a URL.
public struct ContractError: Error, Sendable, CustomStringConvertible {
    /// A stable, machine-readable category.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A contracts folder, catalog or schema is wrong.
        public static let invalidContracts = Code("invalid-contracts")
        /// A cassette cannot be read or has a bad value.
        public static let invalidCassette = Code("invalid-cassette")
        /// A contract case file has a bad value.
        public static let invalidCase = Code("invalid-case")
        /// A command-line value is wrong.
        public static let invalidArgument = Code("invalid-argument")
        /// The target server did not answer at all.
        public static let unreachable = Code("target-unreachable")
        /// A file could not be read or written.
        public static let fileAccess = Code("file-access")
        /// A file of settings (accepted findings, expected versions) has a bad line.
        public static let invalidFile = Code("invalid-file")
    }

    public var code: Code
    /// What went wrong and how to fix it.
    public var message: String
    /// Where: `FILE#/pointer`, a flag name or a URL.
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

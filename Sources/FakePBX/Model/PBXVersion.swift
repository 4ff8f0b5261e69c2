/// A FusionPBX version such as `5.4.9` (reported by the status endpoint).
public struct PBXVersion: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    public let major: Int
    public let minor: Int
    public let patch: Int

    /// Parses `X.Y.Z`, optionally followed by a suffix such as `-dev` or ` RC1`.
    public init?(_ text: String) {
        let core = text.prefix { $0.isNumber || $0 == "." }
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let major = Int(parts[0]), let minor = Int(parts[1]), let patch = Int(parts[2]) else {
            return nil
        }
        self.text = text
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    public static let `default` = PBXVersion("5.4.9")!

    public var description: String { text }

    /// FusionPBX 5.5 turned its `'true'`/`'false'` text flags into real booleans.
    public var usesNativeBooleans: Bool { (major, minor) >= (5, 5) }
}

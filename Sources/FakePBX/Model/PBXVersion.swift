/// A FusionPBX version such as `5.4.9` (reported by the status endpoint).
///
/// Any `X.Y.Z` is accepted and reported as given; what the server does follows ``model``, the
/// release of ``FusionPBXReleases`` it is answered as.
public struct PBXVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let text: String
    public let major: Int
    public let minor: Int
    public let patch: Int

    /// Parses `X.Y.Z`, optionally followed by a suffix such as `-dev` or ` RC1`.
    public init?(_ text: String) {
        let core = text.prefix { $0.isNumber || $0 == "." }
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ $0.count <= 4 }),
            let major = Int(parts[0]), let minor = Int(parts[1]), let patch = Int(parts[2])
        else { return nil }
        self.text = text
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    public static let `default` = PBXVersion("5.4.9")!

    public var description: String { text }

    /// The numbers alone: `5.6.4-dev` and `5.6.4` are the same release to the version table.
    var number: (Int, Int, Int) { (major, minor, patch) }

    /// By number, then by text (`5.6.4` before `5.6.4-dev`), so the order agrees with `==`.
    public static func < (lhs: PBXVersion, rhs: PBXVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch, lhs.text) < (rhs.major, rhs.minor, rhs.patch, rhs.text)
    }
    public static func == (lhs: PBXVersion, rhs: PBXVersion) -> Bool { lhs.text == rhs.text }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    /// The release this version is answered as: itself when ``FusionPBXReleases`` knows it, else the
    /// nearest known release below it (the oldest known one for a version older than all).
    public var model: FusionPBXRelease { FusionPBXReleases.release(for: self) }
}

import Foundation

/// The one clock every time-based behaviour reads (timestamps, uptime, CDR dates).
public struct PBXClock: Sendable {
    private let read: @Sendable () -> Double

    public init(_ read: @escaping @Sendable () -> Double) { self.read = read }

    /// Real time.
    public static let system = PBXClock { Date().timeIntervalSince1970 }

    /// Seconds since the Unix epoch.
    public var now: Double { read() }
    public var epochSeconds: Int { Int(read()) }
}

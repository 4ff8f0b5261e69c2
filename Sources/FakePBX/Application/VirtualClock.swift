import Synchronization

/// A clock that runs with real time by default and can be frozen, advanced and set, so a test can
/// expire a 24-hour ban in a millisecond. Every time-based behaviour of the server reads it: rate
/// windows, ban expiry, timestamps, uptime.
public final class VirtualClock: Sendable {
    private let base: PBXClock
    /// Seconds added to the base clock, and the instant it is frozen at, if frozen.
    private let state = Mutex<(offset: Double, frozenAt: Double?)>((0, nil))

    public init(base: PBXClock = .system) { self.base = base }

    /// Seconds since the Unix epoch.
    public var now: Double {
        state.withLock { state in state.frozenAt ?? base.now + state.offset }
    }

    public var isFrozen: Bool { state.withLock { $0.frozenAt != nil } }

    /// The clock as a ``PBXClock``, for everything that reads time.
    public var clock: PBXClock { PBXClock { [self] in now } }

    /// Stops time at the current instant.
    public func freeze() {
        state.withLock { state in
            if state.frozenAt == nil { state.frozenAt = base.now + state.offset }
        }
    }

    /// Lets time run again from where it stands.
    public func resume() {
        state.withLock { state in
            if let frozen = state.frozenAt {
                state.offset = frozen - base.now
                state.frozenAt = nil
            }
        }
    }

    /// Moves time forward (or back, with a negative amount), frozen or not.
    public func advance(by seconds: Double) {
        state.withLock { state in
            if let frozen = state.frozenAt { state.frozenAt = frozen + seconds } else { state.offset += seconds }
        }
    }

    /// Sets the current instant, frozen or not.
    public func set(to epochSeconds: Double) {
        state.withLock { state in
            if state.frozenAt != nil { state.frozenAt = epochSeconds } else { state.offset = epochSeconds - base.now }
        }
    }

    /// Back to real time.
    public func reset() { state.withLock { $0 = (0, nil) } }
}

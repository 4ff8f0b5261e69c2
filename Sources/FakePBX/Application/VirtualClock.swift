import Synchronization

/// A clock that runs with real time by default and can be frozen, advanced and set, so a test can
/// expire a 24-hour ban in a millisecond. Every time-based behaviour of the server reads it: rate
/// windows, ban expiry, timestamps, uptime.
public final class VirtualClock: Sendable {
    private let base: PBXClock
    /// Seconds added to the base clock, and the instant it is frozen at, if frozen.
    private let state = Mutex<(offset: Double, frozenAt: Double?)>((0, nil))
    /// Where ``restart()`` returns: set once the server's start settings are applied (``markStart()``).
    private let start = Mutex<(instant: Double, frozen: Bool)?>(nil)

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

    /// Remembers how the clock stands now as the server's start: real time, or an instant it was
    /// set to (`--bundle`'s clock), frozen or running.
    func markStart() {
        let (offset, frozenAt) = state.withLock { $0 }
        start.withLock { $0 = offset == 0 && frozenAt == nil ? nil : (frozenAt ?? base.now + offset, frozenAt != nil) }
    }

    /// Back to how the server started: real time, or the start instant (running from it again, or frozen at it).
    func restart() {
        guard let start = start.withLock({ $0 }) else { return reset() }
        state.withLock { $0 = start.frozen ? (0, start.instant) : (start.instant - base.now, nil) }
    }
}

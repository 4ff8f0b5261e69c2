import Foundation

/// The first, cheap stage of one generated call: enough to filter and count its legs without
/// building them (direction, outcome, timing, which extensions ring).
struct CallPlan: Sendable {
    enum Direction: UInt8, Sendable {
        case outbound, inbound, local

        var name: String {
            switch self {
            case .outbound: "outbound"
            case .inbound: "inbound"
            case .local: "local"
            }
        }
    }

    var tenant: Int
    var start: Int
    /// Local seconds of `start` (start + the tenant's UTC offset that day), for date filters.
    var localStart: Int
    var direction: Direction
    var cause: String
    var answered: Bool
    var ring: Int
    var talk: Int
    /// The a-leg's extension (caller for outbound and local, the DID's target for inbound).
    var line: Int
    /// The extensions the b-legs ring, in order; empty when the call never left the PBX.
    var bLines: LineList
    /// Which b-leg answered, or -1.
    var winner: Int
    /// The DID an inbound call came in on.
    var did = 0
    /// The generator, after the plan's draws: the legs continue from here.
    var generator: SeededGenerator

    var end: Int { start + ring + talk }
    var legCount: Int { 1 + bLines.count }

    /// The extension of leg `index` (0 = the a-leg).
    func lineOfLeg(_ index: Int) -> Int {
        guard index > 0 else { return line }
        return direction == .outbound ? line : bLines[index - 1]
    }

    /// Draws the plan of the call that starts at `start`.
    init(tenant index: Int, profile: TenantProfile, start: Int, localStart: Int, seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        tenant = index
        self.start = start
        self.localStart = localStart
        let lines = profile.lines.count
        let roll = Int.random(in: 0..<100, using: &g)
        direction = roll < 45 ? .outbound : roll < 80 || lines < 2 ? .inbound : .local
        let pick = Int.random(in: 0..<1000, using: &g)
        let outcome = CallPlan.outcome(direction, pick)
        cause = outcome.cause
        answered = outcome.answered
        let refused = outcome.refused
        ring = answered ? Int.random(in: 3...(direction == .inbound ? 20 : 25), using: &g) : CallPlan.ringTime(cause, using: &g)
        if answered {
            let u = Double.random(in: 0.0005..<1, using: &g)
            talk = Int.random(in: 0..<100, using: &g) < 15 ? Int.random(in: 3...20, using: &g) : min(14_400, 3 + Int(-log(u) * 170))
        } else {
            talk = 0
        }
        var bLines = LineList()
        switch direction {
        case .outbound:
            line = Int.random(in: 0..<lines, using: &g)
            if !refused { bLines.append(line) }
        case .inbound:
            did = Int.random(in: 0..<profile.dids.count, using: &g)
            line = profile.dids[did].target
            if !refused {
                bLines.append(line)
                // A quarter of inbound calls ring a group of two or three phones.
                if lines > 1, Int.random(in: 0..<4, using: &g) == 0 {
                    for _ in 0..<Int.random(in: 1...min(2, lines - 1), using: &g) {
                        var other = Int.random(in: 0..<lines, using: &g)
                        while bLines.contains(other) { other = (other + 1) % lines }
                        bLines.append(other)
                    }
                }
            }
        case .local:
            line = Int.random(in: 0..<lines, using: &g)
            var callee = Int.random(in: 0..<(lines - 1), using: &g)
            if callee >= line { callee += 1 }
            if !refused { bLines.append(callee) }
        }
        self.bLines = bLines
        winner = answered && !bLines.isEmpty ? Int.random(in: 0..<bLines.count, using: &g) : -1
        generator = g
    }

    /// Causes of answered calls: billsec > 0.
    static let answeredCauses: Set<String> = ["NORMAL_CLEARING", "BLIND_TRANSFER", "ATTENDED_TRANSFER", "MEDIA_TIMEOUT"]
    /// Causes where the PBX refused the call itself, so no b-leg was created.
    static let refusedByPBX: Set<String> = ["NO_ROUTE_DESTINATION", "INVALID_NUMBER_FORMAT", "USER_NOT_REGISTERED"]

    /// Seconds of ringing (or of trying) before an unanswered call ended.
    private static func ringTime(_ cause: String, using g: inout SeededGenerator) -> Int {
        switch cause {
        case "ORIGINATOR_CANCEL": Int.random(in: 4...40, using: &g)
        case "NO_ANSWER": Int.random(in: 25...60, using: &g)
        case "NO_USER_RESPONSE": Int.random(in: 10...32, using: &g)
        case "USER_BUSY": Int.random(in: 1...5, using: &g)
        default: Int.random(in: 0...3, using: &g)
        }
    }

    struct Outcome: Sendable {
        var cause: String
        var upTo: Int
        var answered: Bool
        var refused: Bool
    }

    /// The outcome for `pick` in 0..<1000 of the a-leg cause mix per direction (fusionpbx-data §8:
    /// NORMAL_CLEARING 65–75 %, ORIGINATOR_CANCEL 10–15 %, NO_ANSWER 4–6 %, USER_BUSY 2–4 %, the rest rare).
    static func outcome(_ direction: Direction, _ pick: Int) -> Outcome {
        let table =
            switch direction {
            case .outbound: outbound
            case .inbound: inbound
            case .local: local
            }
        return table.first { pick < $0.upTo } ?? table[0]
    }

    private static func cumulative(_ parts: [(String, Int)]) -> [Outcome] {
        var total = 0
        return parts.map { cause, share in
            total += share
            return Outcome(cause: cause, upTo: total, answered: answeredCauses.contains(cause), refused: refusedByPBX.contains(cause))
        }
    }

    private static let outbound = cumulative([
        ("NORMAL_CLEARING", 700), ("ATTENDED_TRANSFER", 3), ("BLIND_TRANSFER", 5), ("MEDIA_TIMEOUT", 2),
        ("ORIGINATOR_CANCEL", 110), ("NO_ANSWER", 50), ("USER_BUSY", 40), ("NO_USER_RESPONSE", 20), ("CALL_REJECTED", 10),
        ("UNALLOCATED_NUMBER", 15), ("NORMAL_TEMPORARY_FAILURE", 10), ("RECOVERY_ON_TIMER_EXPIRE", 7),
        ("NO_ROUTE_DESTINATION", 6), ("INCOMPATIBLE_DESTINATION", 5), ("INVALID_NUMBER_FORMAT", 5),
        ("SUBSCRIBER_ABSENT", 7), ("NORMAL_UNSPECIFIED", 5),
    ])
    private static let inbound = cumulative([
        ("NORMAL_CLEARING", 680), ("BLIND_TRANSFER", 10), ("ATTENDED_TRANSFER", 5), ("ORIGINATOR_CANCEL", 150),
        ("NO_ANSWER", 60), ("USER_BUSY", 30), ("NO_USER_RESPONSE", 15), ("USER_NOT_REGISTERED", 20), ("CALL_REJECTED", 10),
        ("NORMAL_TEMPORARY_FAILURE", 5), ("RECOVERY_ON_TIMER_EXPIRE", 5), ("MEDIA_TIMEOUT", 2), ("NORMAL_UNSPECIFIED", 8),
    ])
    private static let local = cumulative([
        ("NORMAL_CLEARING", 720), ("ORIGINATOR_CANCEL", 120), ("NO_ANSWER", 90), ("USER_BUSY", 40),
        ("USER_NOT_REGISTERED", 20), ("BLIND_TRANSFER", 5), ("NO_USER_RESPONSE", 5),
    ])
}

/// Up to three extension indexes, held inline: every call has one, and an array each was an
/// allocation per call.
struct LineList: RandomAccessCollection, Sendable {
    private var slots: (Int32, Int32, Int32) = (0, 0, 0)
    private(set) var count = 0

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    subscript(position: Int) -> Int {
        switch position {
        case 0: Int(slots.0)
        case 1: Int(slots.1)
        default: Int(slots.2)
        }
    }

    mutating func append(_ line: Int) {
        precondition(count < 3, "a call rings at most three phones")
        switch count {
        case 0: slots.0 = Int32(line)
        case 1: slots.1 = Int32(line)
        default: slots.2 = Int32(line)
        }
        count += 1
    }
}

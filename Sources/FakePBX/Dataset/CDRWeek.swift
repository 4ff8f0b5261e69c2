import Foundation

/// Seven days of business-hours calls for one default tenant, before the day of `endingBefore`.
///
/// Each day's calls are drawn from a generator seeded by the tenant and the date, so a given day always
/// has the same calls whenever fakepbx starts. The mix follows a small-business PBX: about 45 % outbound,
/// 35 % inbound, 20 % local, 70 % answered.
struct CDRWeek {
    let tenant: DefaultTenant
    let endingBefore: Int

    func records() -> [CallDetailRecord] {
        guard tenant.callsPerDay > 0, !tenant.extensions.isEmpty else { return [] }
        let zone = TimeZone(identifier: tenant.domain.timeZone) ?? .gmt
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(endingBefore)))
        let today = (endingBefore + offset) / 86_400
        var records: [CallDetailRecord] = []
        for daysAgo in (1...7).reversed() {
            let midnight = (today - daysAgo) * 86_400 - offset
            var generator = SeededGenerator(text: "\(tenant.domain.name)|\(Timestamp.day(midnight + offset))")
            let count = tenant.callsPerDay * Int.random(in: 70...130, using: &generator) / 100
            let day = (0..<count).map { _ in call(startingAfter: midnight, using: &generator) }
            records += day.sorted { $0.startEpoch < $1.startEpoch }
        }
        return records
    }

    private func call(startingAfter midnight: Int, using g: inout SeededGenerator) -> CallDetailRecord {
        let start = midnight + 8 * 3600 + Int.random(in: 0..<(10 * 3600), using: &g)
        let roll = Int.random(in: 0..<100, using: &g)
        let direction = roll < 45 ? "outbound" : roll < 80 ? "inbound" : "local"
        let cause = Self.cause(Int.random(in: 0..<100, using: &g))
        let answered = cause == "NORMAL_CLEARING"
        let ring = Int.random(in: 3...25, using: &g)
        let talk = answered ? Self.talkTime(using: &g) : 0
        let ext = tenant.extensions.randomElement(using: &g)!
        let name = tenant.domain.name
        let carrierIP = "203.0.113.\(Int.random(in: 2...250, using: &g))"

        var caller = (name: ext.effectiveCallerIDName, number: ext.number)
        var destination = ""
        var callerDestination = ""
        var extensionNumber = ext.number
        switch direction {
        case "outbound":
            destination = fill(tenant.dialPatterns.randomElement(using: &g) ?? "0", using: &g)
            callerDestination = destination
        case "inbound":
            let did = tenant.destinations.randomElement(using: &g)
            caller = (name: ["WIRELESS CALLER", "SMITH JOHN", "UNKNOWN", "BROWN OLIVIA"].randomElement(using: &g)!,
                      number: fill(tenant.callerPatterns.randomElement(using: &g) ?? "0", using: &g))
            destination = did?.number ?? ext.number
            callerDestination = destination
            extensionNumber = did.flatMap { $0.data.split(separator: " ").first.map(String.init) } ?? ext.number
        default:
            let others = tenant.extensions.filter { $0.number != ext.number }
            let callee = others.randomElement(using: &g) ?? ext
            destination = callee.number
            callerDestination = callee.number
        }

        var record = CallDetailRecord(
            uuid: UUIDv4.make(using: &g), domainName: name, extensionNumber: extensionNumber, direction: direction,
            callerIDName: caller.name, callerIDNumber: caller.number, callerDestination: callerDestination,
            destinationNumber: destination, startEpoch: start, answerEpoch: answered ? start + ring : 0,
            endEpoch: start + ring + talk, hangupCause: cause
        )
        let codec = tenant.domain.numberingPlan == .nanp ? "PCMU" : "PCMA"
        record.readCodec = direction == "local" && Bool.random(using: &g) ? "G722" : codec
        record.writeCodec = record.readCodec
        record.pddMilliseconds = Int.random(in: 200...3000, using: &g)
        record.mos = answered ? Double(Int.random(in: 380...445, using: &g)) / 100 : nil
        record.networkAddress = direction == "inbound" ? carrierIP : "198.51.100.\(Int.random(in: 2...250, using: &g))"
        record.sipCallID = "\(UUIDv4.make(using: &g).prefix(8))@\(record.networkAddress)"
        record.gatewayUUID = direction == "outbound" ? tenant.gateway?.uuid : nil
        record.sipHangupDisposition = answered ? (Bool.random(using: &g) ? "recv_bye" : "send_bye")
            : cause == "ORIGINATOR_CANCEL" ? "recv_cancel" : "send_refuse"
        return record
    }

    /// Replaces each `#` in `pattern` with a random digit.
    private func fill(_ pattern: String, using g: inout SeededGenerator) -> String {
        let bytes = pattern.utf8.map { $0 == UInt8(ascii: "#") ? UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &g) : $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The a-leg hangup cause mix (fusionpbx-data §8).
    private static func cause(_ roll: Int) -> String {
        switch roll {
        case ..<70: "NORMAL_CLEARING"
        case ..<83: "ORIGINATOR_CANCEL"
        case ..<88: "NO_ANSWER"
        case ..<91: "USER_BUSY"
        case ..<93: "NO_USER_RESPONSE"
        case ..<94: "CALL_REJECTED"
        case ..<95: "UNALLOCATED_NUMBER"
        case ..<96: "NORMAL_TEMPORARY_FAILURE"
        case ..<97: "RECOVERY_ON_TIMER_EXPIRE"
        default: "NORMAL_CLEARING"
        }
    }

    /// Mostly short calls with a long tail: 5 s to about 20 minutes.
    private static func talkTime(using g: inout SeededGenerator) -> Int {
        let u = Double.random(in: 0.001..<1, using: &g)
        return min(1200, 5 + Int(-log(u) * 150))
    }
}

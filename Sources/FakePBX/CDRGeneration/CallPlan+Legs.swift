extension CallPlan {
    /// The second stage: the call's legs as FusionPBX stores them, a-leg first; only those in
    /// `wanted` (leg indexes) when given. Unwanted legs still draw their numbers, so a leg is the
    /// same whichever others are asked for.
    ///
    /// The a-leg's `bridge_uuid` names the b-leg that answered; every b-leg's `originating_leg_uuid`
    /// names the a-leg. Ring-group b-legs that lost to the one that answered end with `LOSE_RACE`.
    func legs(profile: TenantProfile, settings: CDRGeneration, wanted: [Int]? = nil) -> [CallDetailRecord] {
        var g = generator
        let plan = profile.plan
        let caller = profile.lines[line]
        let (callerName, callerNumber, destination, bDestination, aAddress) = parties(profile: profile, settings: settings, using: &g)

        let aUUID = CDRUUID.make(using: &g)
        let pdd = Self.postDialDelay(direction, using: &g)
        let (carrierCodec, phoneCodec) = Self.codecs(plan, using: &g)
        let mos = Self.mos(using: &g)
        let answer = answered ? start + ring : 0
        let firstDisposition = Bool.random(using: &g)

        var legs: [CallDetailRecord] = []
        legs.reserveCapacity(legCount)
        // Built in place in the array: a local record appended would be copied, then destroyed.
        legs.append(
            CallDetailRecord(
                uuid: aUUID, domainName: profile.domainName, extensionNumber: caller.number, direction: direction.name,
                callerIDName: callerName, callerIDNumber: callerNumber, callerDestination: destination,
                destinationNumber: destination, startEpoch: start, answerEpoch: answer, endEpoch: end, hangupCause: cause
            ))
        legs[0].sipHangupDisposition = Self.disposition(cause: cause, answered: answered, aLeg: true, first: firstDisposition)
        legs[0].readCodec = direction == .inbound ? carrierCodec : phoneCodec
        legs[0].writeCodec = legs[0].readCodec
        legs[0].pddMilliseconds = pdd
        legs[0].mos = answered ? mos : nil
        legs[0].networkAddress = aAddress
        legs[0].sipCallID = CDRUUID.callID(using: &g, host: aAddress)
        legs[0].gatewayUUID = direction == .outbound ? profile.gatewayUUID : nil
        // The outbound route sets the caller ID the carrier sees: effective_caller_id_number.
        if direction == .outbound { legs[0].sourceNumber = profile.presentedNumber }
        // FreeSWITCH keeps the talk time's milliseconds in billmsec. Taken from the leg's UUID, not
        // the generator, so every other value of the call stays what the seed made it.
        let milliseconds = answered ? (end - answer) * 1000 + CDRUUID.milliseconds(aUUID) : nil
        legs[0].billmsec = milliseconds

        for (index, bLine) in bLines.enumerated() {
            let won = index == winner
            let target = profile.lines[bLine]
            let delay = min(ring, Int.random(in: 0...1, using: &g))
            if let wanted, !wanted.contains(index + 1) {
                if let uuid = Self.skippedLeg(bridged: won, using: &g) { legs[0].bridgeUUID = uuid }
                continue
            }
            legs.append(
                CallDetailRecord(
                    uuid: CDRUUID.make(using: &g), domainName: profile.domainName, extensionNumber: target.number,
                    direction: direction.name, callerIDName: callerName, callerIDNumber: callerNumber,
                    callerDestination: legs[0].callerDestination, destinationNumber: target.number,
                    startEpoch: start + delay, answerEpoch: won ? answer : 0, endEpoch: won ? end : start + ring,
                    hangupCause: answered && !won ? "LOSE_RACE" : cause
                ))
            let k = legs.count - 1
            legs[k].leg = "b"
            legs[k].originatingLegUUID = aUUID
            legs[k].sipHangupDisposition =
                answered && !won
                ? "send_cancel"
                : Self.disposition(cause: cause, answered: answered, aLeg: false, first: firstDisposition)
            legs[k].pddMilliseconds = max(20, pdd - Int.random(in: 0...50, using: &g))
            legs[k].mos = won ? mos : nil
            legs[k].billmsec = won ? milliseconds : nil
            if direction == .outbound {
                // Out through the gateway to the carrier, with the route's caller ID.
                legs[k].callerIDNumber = profile.presentedNumber
                legs[k].destinationNumber = bDestination
                legs[k].gatewayUUID = profile.gatewayUUID
            }
            legs[k].readCodec = direction == .outbound ? carrierCodec : phoneCodec
            legs[k].networkAddress = direction == .outbound ? profile.carrierAddress : target.address
            legs[k].writeCodec = legs[k].readCodec
            legs[k].sipCallID = CDRUUID.callID(using: &g, host: legs[k].networkAddress)
            if won { legs[0].bridgeUUID = legs[k].uuid }
        }
        if let wanted, !wanted.contains(0) { legs.removeFirst() }
        return legs
    }

    /// The post-dial delay in milliseconds: longest through a carrier, shortest between extensions.
    private static func postDialDelay(_ direction: Direction, using g: inout SeededGenerator) -> Int {
        switch direction {
        case .outbound: Int.random(in: 300...3000, using: &g)
        case .inbound: Int.random(in: 60...600, using: &g)
        case .local: Int.random(in: 20...200, using: &g)
        }
    }

    /// The carrier's codec (G.711 of the dial plan's region) and the phone's.
    private static func codecs(_ plan: Domain.NumberingPlan, using g: inout SeededGenerator) -> (carrier: String, phone: String) {
        let carrier = plan == .nanp ? "PCMU" : "PCMA"
        let roll = Int.random(in: 0..<100, using: &g)
        return (carrier, roll < 45 ? "G722" : roll < 50 ? "opus" : carrier)
    }

    /// The draws of a b-leg not asked for, as a built one makes them (a UUID, PDD, Call-ID), so the
    /// legs after it stay the same; its UUID when it is the bridged one.
    private static func skippedLeg(bridged: Bool, using g: inout SeededGenerator) -> String? {
        let uuid = CDRUUID.make(using: &g, text: bridged)
        _ = Int.random(in: 0...50, using: &g)
        _ = g.next()
        return bridged ? uuid : nil
    }

    /// Who calls whom: the caller's name and number as the a-leg shows them, the number dialled (as
    /// the a-leg and as the carrier-bound b-leg show it), and the address the call came from.
    private func parties(
        profile: TenantProfile, settings: CDRGeneration, using g: inout SeededGenerator
    ) -> (callerName: String, callerNumber: String, destination: String, bDestination: String, address: String) {
        let plan = profile.plan
        let caller = profile.lines[line]
        var callerName = caller.name
        var callerNumber = caller.number
        var destination: String
        var bDestination: String
        var aAddress = caller.address
        switch direction {
        case .outbound:
            (destination, bDestination) = dialledNumber(plan: plan, profile: profile, settings: settings, using: &g)
        case .inbound:
            let international = Int.random(in: 0..<100, using: &g) < 5
            let mobile = Int.random(in: 0..<100, using: &g) < 40
            let nsn = international ? plan.foreignNumber(using: &g) : plan.subscriber(mobile: mobile, areaCodes: profile.areaCodes, using: &g)
            let quirk = Double.random(in: 0..<1, using: &g) < settings.prefixQuirks
            callerNumber = international ? nsn : plan.delivered(nsn, international: profile.carrierSendsCountryCode != quirk)
            callerName = Self.callerNames[Int.random(in: 0..<Self.callerNames.count, using: &g)]
            let did = profile.dids[did]
            destination = Double.random(in: 0..<1, using: &g) < settings.prefixQuirks ? "+" + plan.countryCode + did.nsn : did.number
            bDestination = ""
            aAddress = profile.carrierAddress
        case .local:
            destination = profile.lines[bLines.first ?? line].number
            bDestination = ""
        }
        return (callerName, callerNumber, destination, bDestination, aAddress)
    }

    /// The number a user dialled, and the same number as the b-leg sends it to the carrier.
    private func dialledNumber(
        plan: Domain.NumberingPlan, profile: TenantProfile, settings: CDRGeneration, using g: inout SeededGenerator
    ) -> (String, String) {
        let quirk: NumberQuirk =
            Double.random(in: 0..<1, using: &g) < settings.prefixQuirks
            ? [.missingCountryCode, .e164, .accessPrefix][Int.random(in: 0..<3, using: &g)] : .none
        let kind = Double.random(in: 0..<1, using: &g)
        if kind < 0.001 { return (plan.emergency, plan.emergency) }
        if kind < 0.001 + settings.specialShare {
            let number = plan.specialNumber(using: &g)
            // NANP toll-free is also dialled without the leading 1.
            let dialled = plan == .nanp && quirk == .missingCountryCode ? String(number.dropFirst()) : number
            return (dialled, plan == .nanp ? number : plan == .uk ? "44" + number.dropFirst() : number)
        }
        if kind < 0.001 + settings.specialShare + settings.internationalShare {
            let number = plan.foreignNumber(using: &g)
            let dialled =
                switch quirk {
                case .e164: "+" + number
                case .accessPrefix: plan.accessPrefix + plan.exitCode + number
                case .none, .missingCountryCode: plan.exitCode + number
                }
            return (dialled, number)
        }
        let nsn = plan.subscriber(mobile: Int.random(in: 0..<100, using: &g) < 35, areaCodes: profile.areaCodes, using: &g)
        return (plan.dialled(nsn, quirk: quirk), plan.countryCode + nsn)
    }

    private static func disposition(cause: String, answered: Bool, aLeg: Bool, first: Bool) -> String {
        if answered { return aLeg == first ? "recv_bye" : "send_bye" }
        if cause == "ORIGINATOR_CANCEL" { return aLeg ? "recv_cancel" : "send_cancel" }
        return aLeg ? "send_refuse" : "recv_refuse"
    }

    /// Mostly good audio, with an occasional poor call.
    private static func mos(using g: inout SeededGenerator) -> Double {
        Int.random(in: 0..<100, using: &g) < 3
            ? Double(Int.random(in: 260...360, using: &g)) / 100 : Double(Int.random(in: 400...445, using: &g)) / 100
    }

    /// Caller names as carriers deliver them (FusionPBX keeps letters, digits, space and `-.#*@`).
    static let callerNames = [
        "WIRELESS CALLER", "SMITH JOHN", "UNKNOWN", "BROWN OLIVIA", "TORONTO ON", "CHICAGO IL", "PATEL RAJ",
        "NGUYEN MAI", "OBRIEN SEAN", "GARCIA MARIA", "Anonymous", "ACME SUPPLY CO",
    ]
}

/// Version 4 UUIDs and SIP Call-IDs from a seeded generator, two draws each.
enum CDRUUID {
    /// The milliseconds (0–999) a call's talk time has beyond its whole seconds, from the last three
    /// hex digits of its a-leg UUID: spread over the range, the same every run, and no draw taken.
    static func milliseconds(_ uuid: String) -> Int {
        var value = 0
        for byte in uuid.utf8.suffix(3) {
            let digit: Int =
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
                default: 0
                }
            value = value * 16 + digit
        }
        return value % 1000
    }

    /// A UUID's two draws, and its text only when `text` is true.
    static func make(using g: inout SeededGenerator, text: Bool) -> String? {
        guard text else {
            _ = g.next()
            _ = g.next()
            return nil
        }
        return make(using: &g)
    }

    static func make(using g: inout SeededGenerator) -> String {
        let high = g.next()
        let low = g.next()
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var out = 0
            for i in 0..<16 {
                var byte = UInt8(truncatingIfNeeded: (i < 8 ? high : low) >> (UInt64(7 - i % 8) * 8))
                if i == 6 { byte = (byte & 0x0F) | 0x40 }
                if i == 8 { byte = (byte & 0x3F) | 0x80 }
                if i == 4 || i == 6 || i == 8 || i == 10 {
                    buffer[out] = UInt8(ascii: "-")
                    out += 1
                }
                buffer[out] = hex[Int(byte >> 4)]
                buffer[out + 1] = hex[Int(byte & 0x0F)]
                out += 2
            }
            return out
        }
    }

    static func callID(using g: inout SeededGenerator, host: String) -> String {
        let value = g.next()
        var host = host
        return host.withUTF8 { hostBytes in
            String(unsafeUninitializedCapacity: 17 + hostBytes.count) { buffer in
                for i in 0..<16 { buffer[i] = hex[Int((value >> (UInt64(15 - i) * 4)) & 0xF)] }
                buffer[16] = UInt8(ascii: "@")
                for (i, byte) in hostBytes.enumerated() { buffer[17 + i] = byte }
                return 17 + hostBytes.count
            }
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)
}

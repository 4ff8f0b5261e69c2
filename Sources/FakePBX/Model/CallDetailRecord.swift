/// One leg of a call (`v_xml_cdr`). Derived columns (billsec, status, stamps, Q.850 code) are computed,
/// so FusionPBX's invariants always hold: billsec > 0 exactly when answered, end ≥ answer ≥ start.
public struct CallDetailRecord: DatasetRecord, Hashable {
    public var uuid: String
    public var domainName: String
    /// The local extension involved, if any.
    public var extensionNumber: String?
    /// `inbound`, `outbound` or `local`.
    public var direction: String
    /// `a` or `b`.
    public var leg: String
    public var callerIDName: String
    public var callerIDNumber: String
    public var callerDestination: String
    public var destinationNumber: String
    public var startEpoch: Int
    /// 0 when never answered.
    public var answerEpoch: Int
    public var endEpoch: Int
    public var hangupCause: String
    public var sipHangupDisposition: String
    public var bridgeUUID: String
    public var originatingLegUUID: String
    public var readCodec: String
    public var writeCodec: String
    public var pddMilliseconds: Int
    public var mos: Double?
    public var networkAddress: String
    public var sipCallID: String
    /// The gateway an outbound leg left by, if any (rendered as `last_arg`).
    public var gatewayUUID: String?
    /// Talk time in milliseconds, when known to the millisecond: FreeSWITCH truncates `billsec` and
    /// keeps the rest here (42.731 s is billsec 42, billmsec 42731; FusionPBX `app/xml_cdr/resources/classes/xml_cdr.php`, master c7a00dc). `nil`:
    /// whole seconds.
    public var billmsec: Int?
    /// `source_number` when it is not the caller ID number: on outbound a-legs, the caller ID the
    /// outbound route sends.
    public var sourceNumber: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case uuid = "xml_cdr_uuid"
        case domainName = "domain_name"
        case extensionNumber = "extension"
        case direction, leg
        case callerIDName = "caller_id_name"
        case callerIDNumber = "caller_id_number"
        case callerDestination = "caller_destination"
        case destinationNumber = "destination_number"
        case startEpoch = "start_epoch"
        case answerEpoch = "answer_epoch"
        case endEpoch = "end_epoch"
        case hangupCause = "hangup_cause"
        case sipHangupDisposition = "sip_hangup_disposition"
        case bridgeUUID = "bridge_uuid"
        case originatingLegUUID = "originating_leg_uuid"
        case readCodec = "read_codec"
        case writeCodec = "write_codec"
        case pddMilliseconds = "pdd_ms"
        case mos = "rtp_audio_in_mos"
        case networkAddress = "network_addr"
        case sipCallID = "sip_call_id"
        case gatewayUUID = "gateway_uuid"
        case billmsec
        case sourceNumber = "source_number"
    }

    public init(
        uuid: String, domainName: String, extensionNumber: String?, direction: String,
        callerIDName: String, callerIDNumber: String, callerDestination: String, destinationNumber: String,
        startEpoch: Int, answerEpoch: Int, endEpoch: Int, hangupCause: String
    ) {
        self.uuid = uuid
        self.domainName = domainName
        self.extensionNumber = extensionNumber
        self.direction = direction
        self.leg = "a"
        self.callerIDName = callerIDName
        self.callerIDNumber = callerIDNumber
        self.callerDestination = callerDestination
        self.destinationNumber = destinationNumber
        self.startEpoch = startEpoch
        self.answerEpoch = answerEpoch
        self.endEpoch = endEpoch
        self.hangupCause = hangupCause
        self.sipHangupDisposition = answerEpoch > 0 ? "recv_bye" : "send_cancel"
        self.bridgeUUID = ""
        self.originatingLegUUID = ""
        self.readCodec = "PCMU"
        self.writeCodec = "PCMU"
        self.pddMilliseconds = 0
        self.mos = nil
        self.networkAddress = ""
        self.sipCallID = ""
        self.gatewayUUID = nil
        self.billmsec = nil
        self.sourceNumber = nil
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let domainName = try c.decode(String.self, forKey: .domainName)
        let start = try c.decode(Int.self, forKey: .startEpoch)
        let caller = try c.value(.callerIDNumber, or: "")
        let destination = try c.value(.destinationNumber, or: "")
        self.init(
            uuid: try c.value(.uuid, or: UUIDv4.derived(from: "cdr:\(start):\(caller)>\(destination)@\(domainName)")),
            domainName: domainName,
            extensionNumber: try c.decodeIfPresent(String.self, forKey: .extensionNumber),
            direction: try c.decode(String.self, forKey: .direction),
            callerIDName: try c.value(.callerIDName, or: ""),
            callerIDNumber: caller,
            callerDestination: try c.value(.callerDestination, or: ""),
            destinationNumber: destination,
            startEpoch: start,
            answerEpoch: try c.value(.answerEpoch, or: 0),
            endEpoch: try c.decode(Int.self, forKey: .endEpoch),
            hangupCause: try c.value(.hangupCause, or: "NORMAL_CLEARING")
        )
        leg = try c.value(.leg, or: "a")
        sipHangupDisposition = try c.value(.sipHangupDisposition, or: sipHangupDisposition)
        bridgeUUID = try c.value(.bridgeUUID, or: "")
        originatingLegUUID = try c.value(.originatingLegUUID, or: "")
        readCodec = try c.value(.readCodec, or: "PCMU")
        writeCodec = try c.value(.writeCodec, or: readCodec)
        pddMilliseconds = try c.value(.pddMilliseconds, or: 0)
        mos = try c.decodeIfPresent(Double.self, forKey: .mos)
        networkAddress = try c.value(.networkAddress, or: "")
        sipCallID = try c.value(.sipCallID, or: "")
        gatewayUUID = try c.decodeIfPresent(String.self, forKey: .gatewayUUID)
        billmsec = try c.decodeIfPresent(Int.self, forKey: .billmsec)
        sourceNumber = try c.decodeIfPresent(String.self, forKey: .sourceNumber)
    }

    /// Talk time in whole seconds; 0 for unanswered legs.
    public var billsec: Int { answerEpoch > 0 ? max(0, endEpoch - answerEpoch) : 0 }

    /// Talk time in milliseconds: `billmsec` as stored, else whole seconds; 0 for unanswered legs.
    public var billMilliseconds: Int { billsec == 0 && answerEpoch == 0 ? 0 : billmsec ?? billsec * 1000 }

    /// FusionPBX's computed call status.
    public var status: String { HangupCause.status(cause: hangupCause, billsec: billsec, missed: missedCall) }

    /// An inbound a-leg the caller gave up on (b-legs are never missed calls, fusionpbx-data §1.2).
    public var missedCall: Bool { leg == "a" && direction == "inbound" && billsec == 0 && hangupCause == "ORIGINATOR_CANCEL" }

    static let directions: Set<String> = ["inbound", "outbound", "local"]
}

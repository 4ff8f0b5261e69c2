/// FreeSWITCH hangup causes with their cause numbers (`switch_types.h`).
public enum HangupCause {
    /// FreeSWITCH's cause numbers. Those above 127 are its own, not Q.850's; they never reach a CDR
    /// (see ``code(_:)``).
    public static let q850: [String: Int] = [
        "NONE": 0, "UNALLOCATED_NUMBER": 1, "NO_ROUTE_DESTINATION": 3, "NORMAL_CLEARING": 16, "USER_BUSY": 17,
        "NO_USER_RESPONSE": 18, "NO_ANSWER": 19, "SUBSCRIBER_ABSENT": 20, "CALL_REJECTED": 21,
        "EXCHANGE_ROUTING_ERROR": 25, "DESTINATION_OUT_OF_ORDER": 27, "INVALID_NUMBER_FORMAT": 28,
        "NORMAL_UNSPECIFIED": 31, "NETWORK_OUT_OF_ORDER": 38, "NORMAL_TEMPORARY_FAILURE": 41,
        "REQUESTED_CHAN_UNAVAIL": 44, "CHAN_NOT_IMPLEMENTED": 66, "INCOMPATIBLE_DESTINATION": 88,
        "MANDATORY_IE_MISSING": 96, "RECOVERY_ON_TIMER_EXPIRE": 102, "ORIGINATOR_CANCEL": 487, "SYSTEM_SHUTDOWN": 501,
        "LOSE_RACE": 502, "MANAGER_REQUEST": 503, "BLIND_TRANSFER": 600, "ATTENDED_TRANSFER": 601,
        "ALLOTTED_TIMEOUT": 602, "MEDIA_TIMEOUT": 604, "PICKED_OFF": 605, "USER_NOT_REGISTERED": 606,
        "PROGRESS_TIMEOUT": 607, "GATEWAY_DOWN": 609,
    ]

    /// The `hangup_cause_q850` FreeSWITCH stores: `switch_channel_cause_q850()` answers 16
    /// (NORMAL_CLEARING) for every cause above 127, so ORIGINATOR_CANCEL, LOSE_RACE, BLIND_TRANSFER
    /// and USER_NOT_REGISTERED are stored as 16 (FreeSWITCH `src/switch_channel.c`). 0 for an unknown cause.
    static func code(_ cause: String) -> Int {
        if cause == "NORMAL_CLEARING" { return 16 }
        let number = q850[cause] ?? 0
        return number > 127 ? 16 : number
    }

    /// Causes FusionPBX's importer classes as `failed` (app/xml_cdr/resources/classes/xml_cdr.php).
    static let failed: Set<String> = [
        "CALL_REJECTED", "CHAN_NOT_IMPLEMENTED", "DESTINATION_OUT_OF_ORDER", "EXCHANGE_ROUTING_ERROR",
        "INCOMPATIBLE_DESTINATION", "INVALID_NUMBER_FORMAT", "MANDATORY_IE_MISSING", "NETWORK_OUT_OF_ORDER",
        "NORMAL_TEMPORARY_FAILURE", "NORMAL_UNSPECIFIED", "NO_ROUTE_DESTINATION", "RECOVERY_ON_TIMER_EXPIRE",
        "REQUESTED_CHAN_UNAVAIL", "SUBSCRIBER_ABSENT", "SYSTEM_SHUTDOWN", "UNALLOCATED_NUMBER",
    ]

    /// FusionPBX's computed `status` for a leg.
    static func status(cause: String, billsec: Int, missed: Bool) -> String {
        if billsec > 0 { return "answered" }
        switch cause {
        case "NO_ANSWER": return "no_answer"
        case "ORIGINATOR_CANCEL": return missed ? "missed" : "cancelled"
        case "USER_BUSY": return "busy"
        default: return failed.contains(cause) ? "failed" : "no_answer"
        }
    }
}

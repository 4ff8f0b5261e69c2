import Foundation
import JSONSchema

extension CallDetailRecord {
    /// `v_xml_cdr` columns in FusionPBX's declaration order; derived columns computed.
    func json(in dataset: Dataset) -> JSONValue {
        let ext = extensionNumber.flatMap { number in
            dataset.extensions.first { $0.domainName == domainName && $0.number == number }
        }
        let answered = answerEpoch > 0
        let object: JSONObject = [
            "xml_cdr_uuid": .string(uuid), "domain_uuid": dataset.domainUUID(domainName),
            "extension_uuid": ext.map { .string($0.uuid) } ?? .null, "sip_call_id": .string(sipCallID),
            "domain_name": .string(domainName), "accountcode": .string(domainName), "direction": .string(direction),
            "context": .string(direction == "inbound" ? "public" : domainName),
            "caller_id_name": .string(callerIDName), "caller_id_number": .string(callerIDNumber),
            "caller_destination": .string(callerDestination), "source_number": .string(callerIDNumber),
            "destination_number": .string(destinationNumber), "extension": .string(extensionNumber ?? ""),
            "start_epoch": .int(startEpoch), "start_stamp": .string(Timestamp.postgres(startEpoch)),
            "answer_stamp": .string(Timestamp.postgres(answerEpoch)), "answer_epoch": .int(answerEpoch),
            "end_epoch": .int(endEpoch), "end_stamp": .string(Timestamp.postgres(endEpoch)),
            // Since FusionPBX 5.1.3 `duration` holds billsec.
            "duration": .int(billsec), "mduration": .int(billsec * 1000), "billsec": .int(billsec),
            "billmsec": .int(billsec * 1000), "hold_accum_seconds": 0,
            "bridge_uuid": .string(bridgeUUID), "read_codec": .string(readCodec), "write_codec": .string(writeCodec),
            "read_rate": .string(CallDetailRecord.rate(readCodec)), "write_rate": .string(CallDetailRecord.rate(writeCodec)),
            "network_addr": .string(networkAddress), "leg": .string(leg),
            "originating_leg_uuid": originatingLegUUID.isEmpty ? .null : .string(originatingLegUUID),
            "pdd_ms": .int(pddMilliseconds), "rtp_audio_in_mos": answered ? mos.map(JSONValue.double) ?? .null : .null,
            "last_app": .string(gatewayUUID == nil ? "" : "bridge"),
            "last_arg": .string(gatewayUUID.map { "sofia/gateway/\($0)/\(destinationNumber)" } ?? ""),
            "missed_call": .bool(missedCall), "status": .string(status), "hangup_cause": .string(hangupCause),
            "hangup_cause_q850": .int(HangupCause.q850[hangupCause] ?? 0),
            "sip_hangup_disposition": .string(sipHangupDisposition),
        ]
        return .object(object)
    }

    static func rate(_ codec: String) -> String {
        switch codec {
        case "G722": "16000"
        case "opus": "48000"
        default: "8000"
        }
    }

    /// FusionPBX's CSV export columns (app/xml_cdr/xml_cdr_export.php, `show=all`), in order.
    static let csvColumns = [
        "domain_uuid", "sip_call_id", "extension", "extension_name", "start_stamp", "end_stamp",
        "start_date_formatted", "start_time_formatted", "start_epoch", "hangup_cause", "duration", "billmsec",
        "missed_call", "record_path", "record_name", "xml_cdr_uuid", "bridge_uuid", "direction", "billsec",
        "caller_id_name", "caller_id_number", "caller_destination", "source_number", "destination_number", "leg",
        "read_codec", "write_codec", "cc_side", "answer_stamp", "status", "sip_hangup_disposition",
        "call_disposition", "pdd_ms", "rtp_audio_in_mos", "wait", "tta", "domain_name",
    ]

    /// One CSV row as FusionPBX writes it: every value in double quotes, with no escaping.
    func csvRow(in dataset: Dataset, json: JSONValue, zones: [String: TimeZone]) -> String {
        let offset = (zones[domainName] ?? .gmt).secondsFromGMT(for: Date(timeIntervalSince1970: Double(startEpoch)))
        let local = Timestamp.localDateTime(startEpoch, offset: offset)
        let ext = extensionNumber.flatMap { number in dataset.extensions.first { $0.domainName == domainName && $0.number == number } }
        let derived: [String: String] = [
            "extension_name": ext?.effectiveCallerIDName ?? "",
            "start_date_formatted": CallDetailRecord.formattedDate(local),
            "start_time_formatted": String(local.dropFirst(11).prefix(5)),
            "missed_call": missedCall ? "1" : "", "record_path": "", "record_name": "", "cc_side": "",
            "call_disposition": "", "wait": "0", "tta": answerEpoch > 0 ? String(answerEpoch - startEpoch) : "",
        ]
        return CallDetailRecord.csvColumns.map { column in
            let value = derived[column] ?? json[column].map(CallDetailRecord.plainText) ?? ""
            return "\"\(value)\""
        }.joined(separator: ",")
    }

    static func plainText(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): s
        case .number(let n): n.literal
        case .bool(let b): b ? "true" : "false"
        default: ""
        }
    }

    /// `21 Aug 2025`, FusionPBX's `DD Mon YYYY`.
    private static func formattedDate(_ local: String) -> String {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let parts = local.prefix(10).split(separator: "-")
        guard parts.count == 3, let month = Int(parts[1]), (1...12).contains(month) else { return "" }
        return "\(parts[2]) \(months[month - 1]) \(parts[0])"
    }
}

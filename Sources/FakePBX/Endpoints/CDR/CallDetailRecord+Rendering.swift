import Foundation
import JSONSchema

/// What a CDR row needs from the dataset (domain UUIDs, extension UUIDs and names, time zones),
/// looked up once per export rather than once per row.
public struct CDRRenderContext: Sendable {
    final class Tenant: Sendable {
        let uuid: String
        let zone: TimeZone
        let extensions: [String: (uuid: String, name: String)]

        init(uuid: String, zone: TimeZone, extensions: [String: (uuid: String, name: String)]) {
            self.uuid = uuid
            self.zone = zone
            self.extensions = extensions
        }
    }

    var tenants: [String: Tenant]
    /// The last tenant looked up: rows of one domain often come together.
    private var lastTenant: (name: String, tenant: Tenant?)?
    /// The UTC offset of the last (domain, hour) asked for: rows come in date order, so one entry is enough.
    private var lastOffset: (domain: String, hour: Int, offset: Int)?

    public init(dataset: Dataset) {
        var extensions: [String: [String: (uuid: String, name: String)]] = [:]
        for ext in dataset.extensions where extensions[ext.domainName]?[ext.number] == nil {
            extensions[ext.domainName, default: [:]][ext.number] = (ext.uuid, ext.effectiveCallerIDName)
        }
        var tenants: [String: Tenant] = [:]
        for domain in dataset.domains where tenants[domain.name] == nil {
            tenants[domain.name] = Tenant(
                uuid: domain.uuid, zone: TimeZone(identifier: domain.timeZone) ?? .gmt, extensions: extensions[domain.name] ?? [:]
            )
        }
        self.tenants = tenants
    }

    func ext(_ record: CallDetailRecord) -> (uuid: String, name: String)? {
        record.extensionNumber.flatMap { tenants[record.domainName]?.extensions[$0] }
    }

    func domainUUID(_ name: String) -> String? { tenants[name]?.uuid }

    /// `name`'s tenant, remembered for the next row.
    mutating func tenant(_ name: String) -> Tenant? {
        if let last = lastTenant, last.name == name { return last.tenant }
        let tenant = tenants[name]
        lastTenant = (name, tenant)
        return tenant
    }

    /// Seconds from UTC in `domain`'s zone at `epoch`.
    mutating func offset(domain: String, epoch: Int) -> Int {
        let hour = epoch / 3600
        if let last = lastOffset, last.hour == hour, last.domain == domain { return last.offset }
        let offset = (tenants[domain]?.zone ?? .gmt).secondsFromGMT(for: Date(timeIntervalSince1970: Double(epoch)))
        lastOffset = (domain, hour, offset)
        return offset
    }
}

/// Receives a CDR's columns in FusionPBX's declaration order: JSON and XML rows are written from the
/// same walk, so they can never disagree.
protocol CDRColumnWriter {
    mutating func text(_ key: StaticString, _ value: String)
    /// A text column made of four parts.
    mutating func text(_ key: StaticString, _ parts: (String, String, String, String))
    mutating func int(_ key: StaticString, _ value: Int)
    mutating func stamp(_ key: StaticString, _ epoch: Int)
    mutating func double(_ key: StaticString, _ value: Double?)
    mutating func bool(_ key: StaticString, _ value: Bool)
    /// A text column that is `null` when empty.
    mutating func textOrNull(_ key: StaticString, _ value: String?)
}

extension CallDetailRecord {
    /// Walks the `v_xml_cdr` columns (derived ones computed) into `writer`.
    func columns(into writer: inout some CDRColumnWriter, context: inout CDRRenderContext) {
        let tenant = context.tenant(domainName)
        let ext = extensionNumber.flatMap { tenant?.extensions[$0] }
        let billsec = self.billsec
        writer.text("xml_cdr_uuid", uuid)
        writer.textOrNull("domain_uuid", tenant?.uuid)
        writer.textOrNull("extension_uuid", ext?.uuid)
        writer.text("sip_call_id", sipCallID)
        writer.text("domain_name", domainName)
        writer.text("accountcode", domainName)
        writer.text("direction", direction)
        writer.text("context", direction == "inbound" ? "public" : domainName)
        writer.text("caller_id_name", callerIDName)
        writer.text("caller_id_number", callerIDNumber)
        writer.text("caller_destination", callerDestination)
        writer.text("source_number", callerIDNumber)
        writer.text("destination_number", destinationNumber)
        writer.text("extension", extensionNumber ?? "")
        writer.int("start_epoch", startEpoch)
        writer.stamp("start_stamp", startEpoch)
        writer.stamp("answer_stamp", answerEpoch)
        writer.int("answer_epoch", answerEpoch)
        writer.int("end_epoch", endEpoch)
        writer.stamp("end_stamp", endEpoch)
        // Since FusionPBX 5.1.3 `duration` holds billsec.
        writer.int("duration", billsec)
        writer.int("mduration", billMilliseconds)
        writer.int("billsec", billsec)
        writer.int("billmsec", billMilliseconds)
        writer.int("hold_accum_seconds", 0)
        writer.text("bridge_uuid", bridgeUUID)
        writer.text("read_codec", readCodec)
        writer.text("write_codec", writeCodec)
        writer.text("read_rate", CallDetailRecord.rate(readCodec))
        writer.text("write_rate", CallDetailRecord.rate(writeCodec))
        writer.text("network_addr", networkAddress)
        writer.text("leg", leg)
        writer.textOrNull("originating_leg_uuid", originatingLegUUID.isEmpty ? nil : originatingLegUUID)
        writer.int("pdd_ms", pddMilliseconds)
        writer.double("rtp_audio_in_mos", answerEpoch > 0 ? mos : nil)
        writer.text("last_app", gatewayUUID == nil ? "" : "bridge")
        writer.text("last_arg", gatewayUUID.map { ("sofia/gateway/", $0, "/", destinationNumber) } ?? ("", "", "", ""))
        writer.bool("missed_call", missedCall)
        writer.text("status", status)
        writer.text("hangup_cause", hangupCause)
        writer.int("hangup_cause_q850", HangupCause.code(hangupCause))
        writer.text("sip_hangup_disposition", sipHangupDisposition)
    }

    /// The row as a JSON value (for small answers and tests).
    func json(context: CDRRenderContext) -> JSONValue {
        var writer = JSONRowWriter(sink: ByteSink(capacity: 2048))
        var context = context
        writer.beginRow()
        columns(into: &writer, context: &context)
        writer.endRow()
        return (try? JSONParser.parse(writer.sink.bytes)) ?? .null
    }

    static func rate(_ codec: String) -> String {
        switch codec {
        case "G722": "16000"
        case "opus": "48000"
        default: "8000"
        }
    }

    /// FusionPBX's CSV export columns (app/xml_cdr/xml_cdr_export.php, `show=all`), in order.
    public static let csvColumns = [
        "domain_uuid", "sip_call_id", "extension", "extension_name", "start_stamp", "end_stamp",
        "start_date_formatted", "start_time_formatted", "start_epoch", "hangup_cause", "duration", "billmsec",
        "missed_call", "record_path", "record_name", "xml_cdr_uuid", "bridge_uuid", "direction", "billsec",
        "caller_id_name", "caller_id_number", "caller_destination", "source_number", "destination_number", "leg",
        "read_codec", "write_codec", "cc_side", "answer_stamp", "status", "sip_hangup_disposition",
        "call_disposition", "pdd_ms", "rtp_audio_in_mos", "wait", "tta", "domain_name",
    ]

    /// One CSV row as FusionPBX writes it: every value in double quotes, with no escaping, `\n` ended.
    func csvRow(into out: ByteSink, context: inout CDRRenderContext) {
        let local = startEpoch + context.offset(domain: domainName, epoch: startEpoch)
        let ext = context.ext(self)
        let billsec = self.billsec
        var first = true
        func cell(_ write: () -> Void) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            write()
            out.append(UInt8(ascii: "\""))
        }
        func text(_ value: String) { cell { out.append(value) } }
        func int(_ value: Int) { cell { out.append(value) } }
        func stamp(_ epoch: Int) { cell { ByteText.postgres(epoch, into: out, quoted: false) } }
        text(context.domainUUID(domainName) ?? "")
        text(sipCallID)
        text(extensionNumber ?? "")
        text(ext?.name ?? "")
        stamp(startEpoch)
        stamp(endEpoch)
        cell { ByteText.formattedDate(local, into: out) }
        cell { ByteText.hourMinute(local, into: out) }
        int(startEpoch)
        text(hangupCause)
        int(billsec)
        int(billMilliseconds)
        text(missedCall ? "1" : "")
        text("")
        text("")
        text(uuid)
        text(bridgeUUID)
        text(direction)
        int(billsec)
        text(callerIDName)
        text(callerIDNumber)
        text(callerDestination)
        text(callerIDNumber)
        text(destinationNumber)
        text(leg)
        text(readCodec)
        text(writeCodec)
        text("")
        stamp(answerEpoch)
        text(status)
        text(sipHangupDisposition)
        text("")
        int(pddMilliseconds)
        text(answerEpoch > 0 ? mos.map { "\($0)" } ?? "" : "")
        text("0")
        text(answerEpoch > 0 ? String(answerEpoch - startEpoch) : "")
        text(domainName)
        out.append(UInt8(ascii: "\n"))
    }
}

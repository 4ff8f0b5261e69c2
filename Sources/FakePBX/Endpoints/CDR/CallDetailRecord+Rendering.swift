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
    /// The optional `v_xml_cdr` columns of the release written, read once per export rather than per row.
    private(set) var columnsOfRelease = ReleaseColumns(PBXVersion.default.model)
    /// The CSV's columns: ``FusionPBXRelease/csvColumns``, without `domain_name` for one domain's
    /// export (FusionPBX writes it only with `show=all`).
    var csvColumns: [CDRCSVColumn] = PBXVersion.default.model.csvColumns
    /// Numeric columns as JSON strings, as PHP's PostgreSQL driver returns them (``Dataset/phpTypes``).
    public var numbersAsStrings = false
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

    /// Writes `release`'s columns; `allDomains` is FusionPBX's `show=all` (the CSV's `domain_name`).
    public mutating func use(_ release: FusionPBXRelease, allDomains: Bool = true) {
        columnsOfRelease = ReleaseColumns(release)
        csvColumns = release.csvColumns.filter { allDomains || $0 != .domainName }
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

/// Which optional `v_xml_cdr` columns a release has (see ``FusionPBXRelease``).
struct ReleaseColumns: Sendable {
    let callDisposition: Bool
    let ringGroup: Bool
    let processed: Bool

    init(_ release: FusionPBXRelease) {
        callDisposition = release.cdrCallDisposition
        ringGroup = release.cdrRingGroupColumns
        processed = release.cdrProcessed
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
    /// A text column that may be NULL.
    mutating func textOrNull(_ key: StaticString, _ value: String?)
    /// A text column written NULL when empty, as FusionPBX stores an empty string.
    mutating func textOrNullIfEmpty(_ key: StaticString, _ value: String)
    /// A NULL column.
    mutating func null(_ key: StaticString)
}

extension CDRColumnWriter {
    mutating func textOrNullIfEmpty(_ key: StaticString, _ value: String) {
        if value.isEmpty { null(key) } else { text(key, value) }
    }

    mutating func textOrNull(_ key: StaticString, _ value: String?) {
        if let value { text(key, value) } else { null(key) }
    }
}

extension CallDetailRecord {
    /// `source_number` (`effective_caller_id_number`): on outbound a-legs the caller ID the route sends.
    var effectiveSourceNumber: String { sourceNumber ?? callerIDNumber }

    /// `tta`, as `xml_cdr_inc.php` selects it: `answer_epoch - start_epoch`, a large negative number
    /// for an unanswered call (answer_epoch 0).
    var timeToAnswer: Int { answerEpoch - startEpoch }

    /// `last_app`/`last_arg`: the a-leg's bridge, to the gateway on outbound calls
    /// (`sofia/gateway/<uuid>/<number>`), to the extension (`user/1001@domain`) on inbound and local
    /// ones; NULL on b-legs, which run no dialplan.
    private func lastApplication(into writer: inout some CDRColumnWriter) {
        let target = direction == "local" ? destinationNumber : extensionNumber ?? ""
        if leg == "a", let gatewayUUID {
            writer.text("last_app", "bridge")
            writer.text("last_arg", ("sofia/gateway/", gatewayUUID, "/", destinationNumber))
        } else if leg == "a", !target.isEmpty {
            writer.text("last_app", "bridge")
            writer.text("last_arg", ("user/", target, "@", domainName))
        } else {
            writer.null("last_app")
            writer.null("last_arg")
        }
    }

    /// Walks the `v_xml_cdr` columns of `context`'s release (derived ones computed) into `writer`, in
    /// declaration order. FusionPBX stores empty strings as NULL, so an empty text column is null.
    /// `extension` is not a `v_xml_cdr` column: the export joins it, as FusionPBX's CDR list does.
    func columns(into writer: inout some CDRColumnWriter, context: inout CDRRenderContext) {
        let tenant = context.tenant(domainName)
        let ext = extensionNumber.flatMap { tenant?.extensions[$0] }
        let billsec = self.billsec
        let optional = context.columnsOfRelease
        writer.text("xml_cdr_uuid", uuid)
        writer.textOrNull("domain_uuid", tenant?.uuid)
        writer.null("provider_uuid")
        writer.textOrNull("extension_uuid", ext?.uuid)
        writer.textOrNullIfEmpty("sip_call_id", sipCallID)
        writer.text("domain_name", domainName)
        // An extension's accountcode is its domain (get_accountcode()); an inbound call gets one only
        // from its destination's destination_accountcode, which the dataset's never set.
        if direction == "inbound" { writer.null("accountcode") } else { writer.text("accountcode", domainName) }
        writer.text("direction", direction)
        writer.text("context", direction == "inbound" ? "public" : domainName)
        writer.textOrNullIfEmpty("caller_id_name", callerIDName)
        writer.textOrNullIfEmpty("caller_id_number", callerIDNumber)
        writer.textOrNullIfEmpty("caller_destination", callerDestination)
        writer.textOrNullIfEmpty("source_number", effectiveSourceNumber)
        writer.textOrNullIfEmpty("destination_number", destinationNumber)
        writer.textOrNullIfEmpty("extension", extensionNumber ?? "")
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
        writer.textOrNullIfEmpty("bridge_uuid", bridgeUUID)
        writer.text("read_codec", readCodec)
        writer.text("read_rate", CallDetailRecord.rate(readCodec))
        writer.text("write_codec", writeCodec)
        writer.text("write_rate", CallDetailRecord.rate(writeCodec))
        writer.textOrNullIfEmpty("network_addr", networkAddress)
        writer.text("leg", leg)
        writer.textOrNullIfEmpty("originating_leg_uuid", originatingLegUUID)
        writer.int("pdd_ms", pddMilliseconds)
        writer.double("rtp_audio_in_mos", answerEpoch > 0 ? mos : nil)
        lastApplication(into: &writer)
        writer.bool("voicemail_message", false)
        writer.bool("missed_call", missedCall)
        writer.null("waitsec")
        writer.text("status", status)
        if optional.callDisposition { writer.null("call_disposition") }
        writer.text("hangup_cause", hangupCause)
        writer.int("hangup_cause_q850", HangupCause.code(hangupCause))
        writer.textOrNullIfEmpty("sip_hangup_disposition", sipHangupDisposition)
        if optional.ringGroup {
            writer.null("ring_group_uuid")
            writer.null("ivr_menu_uuid")
        }
        if optional.processed { writer.bool("processed", false) }
    }

    /// The row as a JSON value (for small answers and tests).
    func json(context: CDRRenderContext) -> JSONValue {
        var writer = JSONRowWriter(sink: ByteSink(capacity: 2048), numbersAsStrings: context.numbersAsStrings)
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

    /// Whether FusionPBX's CSV export leaves this leg out: `LOSE_RACE` legs need the
    /// `xml_cdr_lose_race` permission, which no group has by default.
    var hiddenFromCSV: Bool { hangupCause == "LOSE_RACE" }

    /// One CSV row as `xml_cdr_export.php` writes it: `context`'s columns, every value in double
    /// quotes with no escaping, NULL as nothing, booleans as PHP prints them (`1` or nothing), `\n` ended.
    func csvRow(into out: ByteSink, context: inout CDRRenderContext) {
        let local = startEpoch + context.offset(domain: domainName, epoch: startEpoch)
        var first = true
        for column in context.csvColumns {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            switch column {
            case .domainUUID: out.append(context.domainUUID(domainName) ?? "")
            case .sipCallID: out.append(sipCallID)
            case .extension: out.append(extensionNumber ?? "")
            case .extensionName: out.append(context.ext(self)?.name ?? "")
            case .startStamp: ByteText.postgres(startEpoch, into: out, quoted: false)
            case .endStamp: ByteText.postgres(endEpoch, into: out, quoted: false)
            case .startDateFormatted: ByteText.formattedDate(local, into: out)
            case .startTimeFormatted: ByteText.hourMinute12(local, into: out)
            case .startEpoch: out.append(startEpoch)
            case .duration, .billsec: out.append(billsec)
            case .billmsec: out.append(billMilliseconds)
            case .missedCall: if missedCall { out.append(UInt8(ascii: "1")) }
            case .recordPath, .recordName, .ccSide, .callDisposition, .wait: break
            case .xmlCDRUUID: out.append(uuid)
            case .bridgeUUID: out.append(bridgeUUID)
            case .direction: out.append(direction)
            case .callerIDName: out.append(callerIDName)
            case .callerIDNumber: out.append(callerIDNumber)
            case .callerDestination: out.append(callerDestination)
            case .sourceNumber: out.append(effectiveSourceNumber)
            case .destinationNumber: out.append(destinationNumber)
            case .leg: out.append(leg)
            case .readCodec: out.append(readCodec)
            case .writeCodec: out.append(writeCodec)
            case .answerStamp: ByteText.postgres(answerEpoch, into: out, quoted: false)
            case .status: out.append(status)
            case .sipHangupDisposition: out.append(sipHangupDisposition)
            case .pddMilliseconds: out.append(pddMilliseconds)
            case .mos: if answerEpoch > 0, let mos { out.append("\(mos)") }
            case .tta: out.append(timeToAnswer)
            case .domainName: out.append(domainName)
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "\n"))
    }
}

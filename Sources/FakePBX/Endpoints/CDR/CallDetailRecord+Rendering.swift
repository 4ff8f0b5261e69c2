import Foundation
import JSONSchema

/// What a CDR row needs from the dataset (domain UUIDs, extension UUIDs and names, time zones),
/// looked up once per export rather than once per row.
public struct CDRRenderContext: Sendable {
    struct Tenant: Sendable {
        var uuid: String
        var zone: TimeZone
        var extensions: [String: (uuid: String, name: String)]
    }

    var tenants: [String: Tenant]
    /// The last tenant looked up: rows of one domain often come together.
    private var lastTenant: (name: String, tenant: Tenant?)?
    /// The UTC offset of the last (domain, hour) asked for: rows come in date order, so one entry is enough.
    private var lastOffset: (domain: String, hour: Int, offset: Int)?

    public init(dataset: Dataset) {
        var tenants: [String: Tenant] = [:]
        for domain in dataset.domains where tenants[domain.name] == nil {
            tenants[domain.name] = Tenant(uuid: domain.uuid, zone: TimeZone(identifier: domain.timeZone) ?? .gmt, extensions: [:])
        }
        for ext in dataset.extensions where tenants[ext.domainName]?.extensions[ext.number] == nil {
            tenants[ext.domainName]?.extensions[ext.number] = (ext.uuid, ext.effectiveCallerIDName)
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
    /// A text column made of three parts.
    mutating func text(_ key: StaticString, _ parts: (String, String, String))
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
        writer.int("mduration", billsec * 1000)
        writer.int("billsec", billsec)
        writer.int("billmsec", billsec * 1000)
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
        writer.text("last_arg", gatewayUUID.map { ("sofia/gateway/", $0, "/" + destinationNumber) } ?? ("", "", ""))
        writer.bool("missed_call", missedCall)
        writer.text("status", status)
        writer.text("hangup_cause", hangupCause)
        writer.int("hangup_cause_q850", HangupCause.code(hangupCause))
        writer.text("sip_hangup_disposition", sipHangupDisposition)
    }

    /// The row as a JSON value (for small answers and tests).
    func json(context: CDRRenderContext) -> JSONValue {
        var writer = JSONRowWriter()
        var context = context
        writer.beginRow()
        columns(into: &writer, context: &context)
        writer.endRow()
        return (try? JSONParser.parse(writer.bytes)) ?? .null
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
    func csvRow(into out: inout [UInt8], context: inout CDRRenderContext) {
        let local = startEpoch + context.offset(domain: domainName, epoch: startEpoch)
        let ext = context.ext(self)
        let billsec = self.billsec
        var first = true
        func cell(_ write: (inout [UInt8]) -> Void) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            write(&out)
            out.append(UInt8(ascii: "\""))
        }
        func text(_ value: String) { cell { $0.append(contentsOf: value.utf8) } }
        func int(_ value: Int) { cell { ByteText.int(value, into: &$0) } }
        func stamp(_ epoch: Int) { cell { ByteText.postgres(epoch, into: &$0, quoted: false) } }
        text(context.domainUUID(domainName) ?? "")
        text(sipCallID)
        text(extensionNumber ?? "")
        text(ext?.name ?? "")
        stamp(startEpoch)
        stamp(endEpoch)
        cell { ByteText.formattedDate(local, into: &$0) }
        cell { ByteText.hourMinute(local, into: &$0) }
        int(startEpoch)
        text(hangupCause)
        int(billsec)
        int(billsec * 1000)
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

/// JSON object rows, written straight into one buffer (a chunk of an export).
struct JSONRowWriter: CDRColumnWriter {
    var bytes: [UInt8] = []
    private var firstColumn = true

    init(bytes: [UInt8] = []) { self.bytes = bytes }

    mutating func beginRow() {
        bytes.append(UInt8(ascii: "{"))
        firstColumn = true
    }

    mutating func endRow() { bytes.append(UInt8(ascii: "}")) }

    private mutating func key(_ key: StaticString) {
        // `,"key":` in one copy: keys are short, so a stack buffer holds them.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: key.utf8CodeUnitCount + 4) { buffer in
            var n = 0
            if !firstColumn { buffer[n] = UInt8(ascii: ","); n += 1 }
            buffer[n] = UInt8(ascii: "\""); n += 1
            for i in 0..<key.utf8CodeUnitCount { buffer[n + i] = key.utf8Start[i] }
            n += key.utf8CodeUnitCount
            buffer[n] = UInt8(ascii: "\""); buffer[n + 1] = UInt8(ascii: ":")
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0..<(n + 2)]))
        }
        firstColumn = false
    }

    mutating func text(_ key: StaticString, _ value: String) {
        self.key(key)
        ByteText.jsonString(value, into: &bytes)
    }

    mutating func text(_ key: StaticString, _ parts: (String, String, String)) {
        self.key(key)
        ByteText.jsonString(parts.0, parts.1, parts.2, into: &bytes)
    }

    mutating func int(_ key: StaticString, _ value: Int) {
        self.key(key)
        ByteText.int(value, into: &bytes)
    }

    mutating func stamp(_ key: StaticString, _ epoch: Int) {
        self.key(key)
        ByteText.postgres(epoch, into: &bytes, quoted: true)
    }

    mutating func double(_ key: StaticString, _ value: Double?) {
        self.key(key)
        if let value, value.isFinite { bytes.append(contentsOf: "\(value)".utf8) } else { bytes.append(contentsOf: "null".utf8) }
    }

    mutating func bool(_ key: StaticString, _ value: Bool) {
        self.key(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func textOrNull(_ key: StaticString, _ value: String?) {
        if let value { text(key, value) } else {
            self.key(key)
            bytes.append(contentsOf: "null".utf8)
        }
    }
}

/// An XML `<cdr>` row: one element per column, null as an empty element.
struct XMLRowWriter: CDRColumnWriter {
    var bytes: [UInt8]

    private mutating func element(_ key: StaticString, _ write: (inout [UInt8]) -> Void) {
        let name = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        bytes.append(UInt8(ascii: "<"))
        bytes.append(contentsOf: name)
        bytes.append(UInt8(ascii: ">"))
        write(&bytes)
        bytes.append(contentsOf: "</".utf8)
        bytes.append(contentsOf: name)
        bytes.append(UInt8(ascii: ">"))
    }

    mutating func text(_ key: StaticString, _ value: String) { element(key) { ByteText.xmlEscaped(value, into: &$0) } }
    mutating func text(_ key: StaticString, _ parts: (String, String, String)) {
        element(key) {
            ByteText.xmlEscaped(parts.0, into: &$0)
            ByteText.xmlEscaped(parts.1, into: &$0)
            ByteText.xmlEscaped(parts.2, into: &$0)
        }
    }
    mutating func int(_ key: StaticString, _ value: Int) { element(key) { ByteText.int(value, into: &$0) } }
    mutating func stamp(_ key: StaticString, _ epoch: Int) { element(key) { ByteText.postgres(epoch, into: &$0, quoted: false) } }
    mutating func double(_ key: StaticString, _ value: Double?) { element(key) { $0.append(contentsOf: (value.map { "\($0)" } ?? "").utf8) } }
    mutating func bool(_ key: StaticString, _ value: Bool) { element(key) { $0.append(contentsOf: (value ? "true" : "false").utf8) } }
    mutating func textOrNull(_ key: StaticString, _ value: String?) { text(key, value ?? "") }
}

/// Numbers, stamps and escaped text appended to bytes without intermediate strings.
enum ByteText {
    static func int(_ value: Int, into out: inout [UInt8]) {
        if value < 0 {
            out.append(UInt8(ascii: "-"))
            if value == .min { out.append(contentsOf: String(value).utf8.dropFirst()); return }
            int(-value, into: &out)
            return
        }
        if value < 10 { out.append(UInt8(ascii: "0") + UInt8(value)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = value
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while n > 0 {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(n % 10)
                n /= 10
                count += 1
            }
            out.append(contentsOf: buffer[(20 - count)...])
        }
    }

    private static func two(_ value: Int, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "0") + UInt8(value / 10))
        out.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// Year, month, day of a day number (days since 1970-01-01), by Howard Hinnant's civil_from_days.
    static func civil(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : (a - b + 1) / b }

    /// `2025-08-21 14:03:07+00`, as PostgreSQL returns a `timestamptz`; in double quotes if `quoted`.
    static func postgres(_ epoch: Int, into out: inout [UInt8], quoted: Bool) {
        let days = floorDiv(epoch, 86_400)
        let seconds = epoch - days * 86_400
        let date = civil(days)
        guard (0...9999).contains(date.year) else {
            out.append(contentsOf: ((quoted ? "\"" : "") + Timestamp.postgres(epoch) + (quoted ? "\"" : "")).utf8)
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { b in
            var n = 0
            func put(_ byte: UInt8) { b[n] = byte; n += 1 }
            func two(_ value: Int) { put(48 + UInt8(value / 10)); put(48 + UInt8(value % 10)) }
            if quoted { put(34) }
            two(date.year / 100); two(date.year % 100); put(45); two(date.month); put(45); two(date.day); put(32)
            two(seconds / 3600); put(58); two(seconds / 60 % 60); put(58); two(seconds % 60)
            put(43); put(48); put(48)
            if quoted { put(34) }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[0..<n]))
        }
    }

    /// `21 Aug 2025` of local seconds: FusionPBX's `DD Mon YYYY`.
    static func formattedDate(_ local: Int, into out: inout [UInt8]) {
        let date = civil(floorDiv(local, 86_400))
        two(date.day, into: &out)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: months[date.month - 1].utf8)
        out.append(UInt8(ascii: " "))
        int(date.year, into: &out)
    }

    /// `14:03` of local seconds.
    static func hourMinute(_ local: Int, into out: inout [UInt8]) {
        let seconds = local - floorDiv(local, 86_400) * 86_400
        two(seconds / 3600, into: &out)
        out.append(UInt8(ascii: ":"))
        two(seconds / 60 % 60, into: &out)
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `"a+b+c"`, escaped.
    static func jsonString(_ a: String, _ b: String, _ c: String, into out: inout [UInt8]) {
        jsonString(a, into: &out, open: true, close: false)
        jsonString(b, into: &out, open: false, close: false)
        jsonString(c, into: &out, open: false, close: true)
    }

    static func jsonString(_ value: String, into out: inout [UInt8], open: Bool = true, close: Bool = true) {
        var value = value
        value.withUTF8 { utf8 in
            if open { out.append(UInt8(ascii: "\"")) }
            // Almost every value needs no escaping: copy it whole.
            if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                out.append(contentsOf: utf8)
            } else {
                for byte in utf8 {
                    switch byte {
                    case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                    case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                    case 0..<0x20:
                        out.append(contentsOf: "\\u00".utf8)
                        out.append(hex[Int(byte >> 4)])
                        out.append(hex[Int(byte & 0xF)])
                    default: out.append(byte)
                    }
                }
            }
            if close { out.append(UInt8(ascii: "\"")) }
        }
    }

    static func xmlEscaped(_ value: String, into out: inout [UInt8]) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): out.append(contentsOf: "&apos;".utf8)
            default: out.append(byte)
            }
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)
}

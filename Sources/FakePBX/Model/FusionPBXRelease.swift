/// What changes with the FusionPBX version: one row of the table in ``FusionPBXReleases``, read from
/// the FusionPBX source (fusionpbx/fusionpbx at tags 5.3.0, 5.4.4, 5.5.7, the 5.5 branch and master
/// c7a00dc, 2026-11-30). Every endpoint and the CDR generator take their version differences from here.
public struct FusionPBXRelease: Sendable, Hashable, CustomStringConvertible {
    /// The release line, which decides most of the differences.
    public enum Line: String, Sendable, Hashable, CaseIterable {
        case v5_3 = "5.3"
        case v5_4 = "5.4"
        case v5_5 = "5.5"
        case master = "master (5.6-dev)"
    }

    public let version: PBXVersion
    public let line: Line

    public var description: String { version.text }

    /// The text flags (`enabled` of gateways, extensions, destinations and dialplans, a gateway's
    /// `register`) are PostgreSQL booleans: from 5.5.2 (commit 7f9064fadb, 2025-09-20), text
    /// `'true'`/`'false'` before. `domain_enabled` has been boolean since 5.0.1, in every release here.
    public var booleanFlags: Bool { version.number >= (5, 5, 2) }

    /// `v_xml_cdr.ring_group_uuid` and `ivr_menu_uuid` (app/xml_cdr/app_config.php): from 5.4.
    public var cdrRingGroupColumns: Bool { line != .v5_3 }
    /// `v_xml_cdr.call_disposition`: from 5.5.6 (never filled by the importer).
    public var cdrCallDisposition: Bool { version.number >= (5, 5, 6) }
    /// `v_xml_cdr.processed`: master only (added after 5.5.7).
    public var cdrProcessed: Bool { line == .master }
    /// `v_destinations.destination_email`: from 5.4.
    public var destinationEmail: Bool { line != .v5_3 }
    /// `v_destinations.provider_uuid`: from 5.5.
    public var destinationProvider: Bool { line == .v5_5 || line == .master }

    /// The columns of `xml_cdr_export.php`'s CSV for a superadmin with `show=all` (without `show=all`,
    /// the same without `domain_name`), in order. From `xml_cdr_inc.php`'s select and the permissions
    /// `xml_cdr_export.php` checks per column, with the default groups of `app_config.php`:
    /// - `hangup_cause` and `accountcode` need permissions no group has by default, in any release;
    /// - `tta` until 5.5.0; 5.5.1 (commit 9a377766cd) adds `wait` (`waitsec`, no permission check)
    ///   and takes `xml_cdr_tta` off every default group;
    /// - `call_disposition` is selected on master only.
    public var csvColumns: [CDRCSVColumn] {
        var columns = CDRCSVColumn.allCases.filter { $0 != .wait && $0 != .tta && $0 != .callDisposition }
        if cdrCSVCallDisposition, let index = columns.firstIndex(of: .sipHangupDisposition) {
            columns.insert(.callDisposition, at: index + 1)
        }
        columns.insert(contentsOf: version.number >= (5, 5, 1) ? [.wait] : [.tta], at: columns.count - 1)
        return columns
    }

    private var cdrCSVCallDisposition: Bool { line == .master }
}

/// The FusionPBX releases fakepbx models, and how any version maps onto them.
public enum FusionPBXReleases {
    /// 5.3.0–5.3.9, 5.4.0–5.4.10, 5.5.0–5.5.13 and master's 5.6.0-dev–5.6.4-dev (the version string of
    /// `core/software/resources/classes/software.php` at each tag and branch).
    public static let all: [FusionPBXRelease] = {
        func line(_ minor: Int, through last: Int, _ line: FusionPBXRelease.Line, suffix: String = "") -> [FusionPBXRelease] {
            (0...last).map { FusionPBXRelease(version: PBXVersion("5.\(minor).\($0)\(suffix)")!, line: line) }
        }
        return line(3, through: 9, .v5_3) + line(4, through: 10, .v5_4) + line(5, through: 13, .v5_5)
            + line(6, through: 4, .master, suffix: "-dev")
    }()

    /// `version`'s own release when known (by its numbers: `5.6.4` is `5.6.4-dev`), else the nearest
    /// known release below it, else the oldest.
    public static func release(for version: PBXVersion) -> FusionPBXRelease {
        all.last { $0.version.number <= version.number } ?? all[0]
    }

    /// Whether `version` is one of the releases modelled.
    public static func knows(_ version: PBXVersion) -> Bool { all.contains { $0.version.number == version.number } }

    /// Says which release an unknown version is answered as; nil for a known one.
    public static func note(for version: PBXVersion) -> String? {
        guard !knows(version) else { return nil }
        let release = release(for: version)
        let why = version < all[0].version ? "the oldest release fakepbx models" : "the nearest release below it that fakepbx models"
        return
            "FusionPBX \(version) is not a release fakepbx knows; it answers as \(release.version) (\(why)). Known: 5.3.0–5.3.9, 5.4.0–5.4.10, 5.5.0–5.5.13, 5.6.0-dev–5.6.4-dev."
    }
}

/// A column of FusionPBX's CDR CSV export, in `xml_cdr_inc.php`'s select order.
public enum CDRCSVColumn: String, Sendable, CaseIterable {
    case domainUUID = "domain_uuid"
    case sipCallID = "sip_call_id"
    case `extension`
    case extensionName = "extension_name"
    case startStamp = "start_stamp"
    case endStamp = "end_stamp"
    case startDateFormatted = "start_date_formatted"
    case startTimeFormatted = "start_time_formatted"
    case startEpoch = "start_epoch"
    case duration, billmsec
    case missedCall = "missed_call"
    case recordPath = "record_path"
    case recordName = "record_name"
    case xmlCDRUUID = "xml_cdr_uuid"
    case bridgeUUID = "bridge_uuid"
    case direction, billsec
    case callerIDName = "caller_id_name"
    case callerIDNumber = "caller_id_number"
    case callerDestination = "caller_destination"
    case sourceNumber = "source_number"
    case destinationNumber = "destination_number"
    case leg
    case readCodec = "read_codec"
    case writeCodec = "write_codec"
    case ccSide = "cc_side"
    case answerStamp = "answer_stamp"
    case status
    case sipHangupDisposition = "sip_hangup_disposition"
    case callDisposition = "call_disposition"
    case pddMilliseconds = "pdd_ms"
    case mos = "rtp_audio_in_mos"
    case wait, tta
    case domainName = "domain_name"
}

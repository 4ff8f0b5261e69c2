public import ContractKit
import JSONSchema

/// One change a billing client sees in a step between two releases of the table, said as `upgrade
/// check` says it: the same finding id and the same sentence about PHP.
public struct UpgradeNote: Sendable, Hashable {
    public var from: PBXVersion
    public var to: PBXVersion
    /// What changes, in words.
    public var change: String
    /// `upgrade check`'s finding id for it.
    public var findingID: String
    public var breaks: Bool
    public var php: String
}

extension FusionPBXReleases {
    /// Every change between consecutive releases of the table that a billing client sees.
    public static var upgradeNotes: [UpgradeNote] {
        zip(all, all.dropFirst()).flatMap { notes(from: $0, to: $1) }
    }

    static func notes(from old: FusionPBXRelease, to new: FusionPBXRelease) -> [UpgradeNote] {
        var changes: [(String, AnswerDifference)] = []
        if !old.booleanFlags && new.booleanFlags {
            changes.append(
                (
                    "The text flags (`enabled` of gateways, extensions, destinations and dialplans, a gateway's `register`) become JSON booleans.",
                    AnswerDifference(.typeChanged, "/*/enabled", old: "string 'true'/'false'", new: "boolean")
                ))
        }
        let members: [(Bool, Bool, String, String)] = [
            (old.cdrRingGroupColumns, new.cdrRingGroupColumns, "CDR records gain `ring_group_uuid` and `ivr_menu_uuid`.", "ring_group_uuid"),
            (old.destinationEmail, new.destinationEmail, "Destinations gain `destination_email`.", "destination_email"),
            (old.destinationProvider, new.destinationProvider, "Destinations gain `provider_uuid`.", "provider_uuid"),
            (old.cdrCallDisposition, new.cdrCallDisposition, "CDR records gain `call_disposition`.", "call_disposition"),
            (old.cdrProcessed, new.cdrProcessed, "CDR records gain `processed`.", "processed"),
        ]
        for (was, now, change, member) in members where !was && now {
            changes.append((change, AnswerDifference(.memberAdded, "/" + member, new: "string")))
        }
        let header = { (release: FusionPBXRelease) in release.csvColumns.map(\.rawValue).joined(separator: ",") + "\n" }
        let csv = AnswerDifference.between(
            ExchangeResponse(status: 200, headers: ["content-type": "text/csv"], bytes: Array(header(old).utf8)),
            ExchangeResponse(status: 200, headers: ["content-type": "text/csv"], bytes: Array(header(new).utf8)))
        for difference in csv {
            let change =
                switch difference.kind {
                case .csvColumnRenamed:
                    "The CDR CSV export's column `\(difference.old ?? "")` is now `\(difference.new ?? "")`, at the same position."
                case .csvColumnAdded: "The CDR CSV export gains the column `\(difference.place)` (\(difference.new ?? ""))."
                case .csvColumnRemoved: "The CDR CSV export loses the column `\(difference.place)`."
                default: "The CDR CSV export's columns change (\(difference.kind.rawValue))."
                }
            changes.append((change, difference))
        }
        return changes.map { change, difference in
            let (id, breaks, php) = UpgradeFinding.explain(difference)
            return UpgradeNote(from: old.version, to: new.version, change: change, findingID: id, breaks: breaks, php: php)
        }
    }

    /// `docs/upgrades.md`: the notes as Markdown, step by step (`fakepbx upgrade notes`).
    public static func upgradeNotesMarkdown() -> String {
        var lines = [
            "# Upgrading FusionPBX: what a billing client sees",
            "",
            "Generated from fakepbx's release table (`Sources/FakePBX/Model/FusionPBXRelease.swift`, read from",
            "FusionPBX's source) by `fakepbx upgrade notes`; do not edit by hand. Each step between releases",
            "that changes something a billing client reads is listed with `upgrade check`'s finding id and what",
            "it does to a PHP client; `fakepbx upgrade check --from A --to B` reports the same findings for the",
            "breaking ones (a test checks). Steps that change nothing a client reads are left out.",
        ]
        var step: (PBXVersion, PBXVersion)?
        for note in upgradeNotes {
            if step.map({ $0 != (note.from, note.to) }) ?? true {
                lines += ["", "## \(note.from) → \(note.to)", ""]
                step = (note.from, note.to)
            }
            lines.append("- \(note.breaks ? "**Breaks a client.**" : "Does not break a client.") \(note.change) `\(note.findingID)`: \(note.php)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

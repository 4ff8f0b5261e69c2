import Foundation

/// Facts about the real FusionPBX, read from §9 of `../shared/reference/fusionpbx-data.md` ("checked
/// against the public FusionPBX source"), so tests hold fakepbx to the reference, not to itself.
/// Each accessor fails with the place in the reference when the text it looks for is missing.
public enum FusionPBXFacts {
    /// §9, the section the facts come from.
    public static func section9() throws -> String {
        let text = try String(contentsOf: try sharedFolder("reference/fusionpbx-data.md"), encoding: .utf8)
        guard let start = text.range(of: "## 9. Corrections and additions") else {
            throw RawHTTPClient.Failure("fusionpbx-data.md has no '## 9. Corrections and additions' section")
        }
        return String(text[start.lowerBound...])
    }

    /// The 34 CSV columns a 5.4 superadmin's `show=all` export has, in order.
    public static func csvColumns54() throws -> [String] {
        try backQuotedList(after: "`show=all` gets 34 columns:")
    }

    /// The version from which the `enabled` columns are boolean on the 5.5 line ("boolean from 5.5.2").
    public static func booleanFlagsFrom() throws -> String {
        let text = try section9()
        guard let match = text.firstMatch(of: #/and boolean from\s+(\d+\.\d+\.\d+)/#) else {
            throw RawHTTPClient.Failure("fusionpbx-data.md §9 no longer says which version the enabled columns became boolean")
        }
        return String(match.1)
    }

    /// The text of §9's bullet that starts with `lead` (for facts checked by wording).
    public static func bullet(_ lead: String) throws -> String {
        let text = try section9()
        guard let start = text.range(of: "- **\(lead)") else {
            throw RawHTTPClient.Failure("fusionpbx-data.md §9 has no bullet '\(lead)'")
        }
        let rest = text[start.upperBound...]
        let end = rest.range(of: "\n- **")?.lowerBound ?? rest.endIndex
        return String(rest[..<end]).replacingOccurrences(of: "\n  ", with: " ")
    }

    /// The comma-separated names in back quotes after `marker`, spanning line breaks.
    static func backQuotedList(after marker: String) throws -> [String] {
        let text = try section9()
        guard let start = text.range(of: marker), let open = text[start.upperBound...].firstIndex(of: "`") else {
            throw RawHTTPClient.Failure("fusionpbx-data.md §9 has no list after '\(marker)'")
        }
        let rest = text[text.index(after: open)...]
        guard let close = rest.firstIndex(of: "`") else { throw RawHTTPClient.Failure("unterminated list after '\(marker)'") }
        return rest[..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }
}

/// A change between two servers' answers, grouped by cause: one finding for "flags became
/// booleans", listing every operation and field where it shows.
public struct UpgradeFinding: Sendable, Hashable {
    /// Stable across runs, for `--accept`: the kind and what changed (`type-changed: string 'true'/'false' -> boolean`).
    public var id: String
    /// Whether a client written against the old answers may break on the new.
    public var breaks: Bool
    /// What happens in a PHP client.
    public var php: String
    /// Where it shows: `operation place` (`get_gateways /gateways/*/enabled`).
    public var places: [String]

    /// Groups differences (each with the operation it was seen in) into findings, in a stable order:
    /// breaking first, then by id.
    public static func group(_ differences: [(operation: String, difference: AnswerDifference)]) -> [UpgradeFinding] {
        group(
            differences.map { operation, difference in
                let (id, breaks, php) = describe(difference)
                return (
                    UpgradeFinding(id: id, breaks: breaks, php: php, places: []),
                    difference.place.isEmpty ? operation : "\(operation) \(difference.place)"
                )
            })
    }

    /// Findings, each once with all its places, breaking first, then by id.
    static func group(_ seen: [(finding: UpgradeFinding, place: String)]) -> [UpgradeFinding] {
        var findings: [String: UpgradeFinding] = [:]
        for (finding, place) in seen {
            if findings[finding.id] == nil { findings[finding.id] = finding }
            if !findings[finding.id]!.places.contains(place) { findings[finding.id]!.places.append(place) }
        }
        return findings.values.sorted { ($0.breaks ? 0 : 1, $0.id) < ($1.breaks ? 0 : 1, $1.id) }
    }

    /// The finding as a report's check: failed when it breaks a client and is not in `accepted`, its
    /// PHP sentence said once and its other places listed after it; a note otherwise.
    func check(accepted: Set<String>, acceptedFile: String?) -> ContractReport.Check {
        var check = ContractReport.Check(name: id, operation: nil, outcome: .passed)
        if breaks && !accepted.contains(id) {
            check.outcome = .failed(
                places.enumerated().map { index, place in
                    ContractViolation(subject: .body, pointer: place, rule: id, message: index == 0 ? php : "the same change")
                })
        } else {
            let why = accepted.contains(id) ? "accepted\(acceptedFile.map { " in \($0)" } ?? ""): " : ""
            check.notes = ["\(why)\(id): \(php) Seen at: \(places.joined(separator: "; "))"]
        }
        return check
    }

    /// The finding a difference belongs to: its id, whether it breaks a client, and how in PHP.
    public static func explain(_ difference: AnswerDifference) -> (id: String, breaks: Bool, php: String) {
        describe(difference)
    }

    /// Every kind is named here, so a new kind does not compile until it has its finding.
    static func describe(_ difference: AnswerDifference) -> (String, Bool, String) {
        let (old, new, place) = (difference.old ?? "", difference.new ?? "", difference.place)
        typealias Say = PHPBreakage
        switch difference.kind {
        case .status: return ("status: \(old) -> \(new)", true, Say.status(from: old, to: new))
        case .contentType: return ("content-type: \(old) -> \(new)", true, Say.contentType)
        case .contentDisposition: return ("content-disposition: \(old) -> \(new)", true, Say.contentDisposition)
        case .headerRemoved: return ("header-removed: \(place)", true, Say.headerRemoved(place))
        case .headerAdded: return ("header-added: \(place)", false, Say.headerAdded)
        case .headerValue: return ("header-value: \(place)", false, Say.headerValue)
        case .typeChanged: return ("type-changed: \(old) -> \(new)", true, Say.typeChange(from: old, to: new))
        case .memberRemoved: return ("member-removed", true, Say.memberRemoved)
        case .memberAdded: return ("member-added", false, Say.memberAdded)
        case .valueChanged: return ("value-changed", false, Say.valueChanged)
        case .itemCount: return ("item-count", false, Say.itemCount)
        case .csvColumnRenamed: return ("csv-column-renamed: \(old) -> \(new)", true, Say.csvRenamed(from: old, to: new))
        case .csvColumnRemoved: return ("csv-column-removed: \(place)", true, Say.csvColumnRemoved(place))
        case .csvColumnAdded: return ("csv-column-added: \(place)", new != "last column", Say.csvColumnAdded(at: new))
        case .csvColumnsReordered: return ("csv-columns-reordered", true, Say.csvColumnsReordered)
        case .csvQuoting: return ("csv-quoting: \(old) -> \(new)", true, Say.csvQuoting)
        case .csvLineEnds: return ("csv-line-ends: \(old) -> \(new)", true, Say.csvLineEnds)
        case .csvRowOrder: return ("csv-row-order", true, Say.csvRowOrder)
        case .xmlElementRemoved: return ("xml-element-removed", true, Say.xmlElementRemoved)
        case .xmlElementAdded: return ("xml-element-added", false, Say.xmlElementAdded)
        case .xmlAttributeRemoved: return ("xml-attribute-removed", true, Say.xmlAttributeRemoved)
        case .xmlAttributeAdded: return ("xml-attribute-added", false, Say.xmlAttributeAdded)
        case .bodyFormat: return ("body-format: \(old) -> \(new)", true, Say.bodyFormat)
        }
    }
}

/// What breaks in a PHP client, by PHP 8's comparison rules.
enum PHPBreakage {
    static let contentType = "A client that checks the Content-Type, or picks its parser by it, reads the body wrongly."
    static let contentDisposition = "A client that saves the export under its suggested name gets another name or kind of file."
    static let headerAdded = "A new header; a client that does not read it is unaffected."
    static let headerValue = "The header's value differs for the same request."
    static let memberAdded = "New members; a client that does not read them is unaffected."
    static let valueChanged =
        "Values differ for the same data (a version string, a default); check that nothing the client compares is among them."
    static let itemCount = "A different number of items for the same data; check the paging and filters the client relies on."
    static let csvColumnsReordered =
        "The columns come in another order: a client reading by position (fgetcsv()[n]) reads the wrong values."
    static let csvQuoting = "fgetcsv() and str_getcsv() read both; a client splitting lines with explode(',') keeps or loses the quotes."
    static let csvLineEnds =
        "fgetcsv() reads both; a client splitting the body with explode(\"\\n\") keeps a \"\\r\" at the end of every last field."
    static let csvRowOrder = "The same rows in another order: an import that pages by offset or keeps the last row per call sees other rows."
    static let xmlElementRemoved = "SimpleXML gives an empty element where the value was ((string)$cdr->x is ''), and XPath finds nothing."
    static let xmlElementAdded = "New elements; a client that does not read them is unaffected."
    static let xmlAttributeRemoved = "SimpleXML's $element['name'] is null where the attribute was."
    static let xmlAttributeAdded = "New attributes; a client that does not read them is unaffected."
    static let bodyFormat = "The body is no longer what the client parses: json_decode() returns null, or the text is not what it splits."

    static func headerRemoved(_ name: String) -> String {
        "A client reading \(name) gets no value (curl's header callback never sees it): paging by X-Total-Records stops, a rate-limit back-off has no figure."
    }

    static func csvColumnRemoved(_ name: String) -> String {
        "Read by name (array_combine with the header row), '\(name)' is null with a warning 'Undefined array key'; read by position, every later column shifts by one."
    }

    /// `position` is where the new column stands: `last column`, or its place in the middle.
    static func csvColumnAdded(at position: String) -> String {
        position == "last column"
            ? "A new last column; a client reading by name or by position is unaffected."
            : "A new column at \(position): read by position (fgetcsv()[n]), every later column shifts by one; read by name, unaffected."
    }

    static let memberRemoved =
        "json_decode($body, true)['name'] is null with a warning 'Undefined array key'; code that compares or stores it gets null."

    static func typeChange(from old: String, to new: String) -> String {
        switch (old, new) {
        case ("string 'true'/'false'", "boolean"):
            return
                "json_decode() gives true/false where it gave 'true'/'false': $v == 'false' is now false for a disabled record (PHP: false == 'false' is false, as 'false' is a non-empty string), so a disabled item reads as enabled; $v === 'true' is never true; $v == 'true' still holds for an enabled one."
        case ("boolean", "string 'true'/'false'"):
            return
                "json_decode() gives 'true'/'false' where it gave true/false: if ($v) is now true for 'false' (a non-empty string), so a disabled item reads as enabled; $v === true and $v === false never hold."
        case ("integer", "numeric string"), ("float", "numeric string"):
            return "json_decode() gives a string where it gave a number: $v === 101 and is_int($v) are false; $v == 101 and arithmetic still work."
        case ("numeric string", "integer"), ("numeric string", "float"):
            return
                "json_decode() gives a number where it gave a string: $v === '101' is false; $v == '101' still holds; with strict_types a string parameter throws a TypeError."
        case ("empty string", "null"):
            return "json_decode() gives null where it gave '': $v === '' and isset($v) are false; empty($v) and $v == '' still hold."
        case ("null", "empty string"):
            return "json_decode() gives '' where it gave null: $v === null and is_null($v) are false, isset($v) is true; empty($v) still holds."
        case (_, "null"):
            return
                "json_decode() gives null where it gave \(article(old)) \(old): === comparisons fail, isset() is false, and string functions get null (deprecated since PHP 8.1)."
        default:
            return
                "json_decode() gives \(article(new)) \(new) where it gave \(article(old)) \(old): === comparisons and type checks (is_string(), is_int(), is_bool()) fail."
        }
    }

    /// "an" before a type name that starts with a vowel ("an integer"), "a" otherwise.
    static func article(_ type: String) -> String { type.first.map { "aeiou".contains($0) } == true ? "an" : "a" }

    static func status(from old: String, to new: String) -> String {
        "curl_getinfo($ch, CURLINFO_HTTP_CODE) is \(new) where it was \(old): a client that checks for \(old) takes its failure path, and one that does not reads an answer it did not expect."
    }

    static func csvRenamed(from old: String, to new: String) -> String {
        "The column '\(old)' is now '\(new)' at the same position: read by name (array_combine with the header row), '\(old)' is null with a warning 'Undefined array key'; read by position, '\(new)' is read as if it were '\(old)'."
    }
}

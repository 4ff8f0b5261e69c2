import Foundation
import JSONSchema

/// One way two answers to the same request differ, as a billing client would notice it.
public struct AnswerDifference: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case status
        case contentType = "content-type"
        case contentDisposition = "content-disposition"
        case headerAdded = "header-added"
        case headerRemoved = "header-removed"
        case headerValue = "header-value"
        case memberAdded = "member-added"
        case memberRemoved = "member-removed"
        case typeChanged = "type-changed"
        case valueChanged = "value-changed"
        case itemCount = "item-count"
        case csvColumnAdded = "csv-column-added"
        case csvColumnRemoved = "csv-column-removed"
        case csvColumnRenamed = "csv-column-renamed"
        case csvColumnsReordered = "csv-columns-reordered"
        case csvQuoting = "csv-quoting"
        case csvLineEnds = "csv-line-ends"
        case csvRowOrder = "csv-row-order"
        case xmlElementAdded = "xml-element-added"
        case xmlElementRemoved = "xml-element-removed"
        case xmlAttributeAdded = "xml-attribute-added"
        case xmlAttributeRemoved = "xml-attribute-removed"
        case bodyFormat = "body-format"
    }

    public var kind: Kind
    /// Where: a JSON pointer with `*` for array positions, a CSV column, an XML path or a header name;
    /// empty for the answer as a whole.
    public var place: String
    public var old: String?
    public var new: String?

    public init(_ kind: Kind, _ place: String, old: String? = nil, new: String? = nil) {
        self.kind = kind
        self.place = place
        self.old = old
        self.new = new
    }

    /// What noise is matched by: the same kind at the same place (values left out, as they vary).
    var noiseKey: String { "\(kind.rawValue) \(place)" }
}

extension AnswerDifference {
    /// The headers a billing client reads, compared by value; the others are left out.
    static let readHeaders = ["x-total-records", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after"]

    /// Every difference between two answers to one request.
    public static func between(_ old: ExchangeResponse, _ new: ExchangeResponse) -> [AnswerDifference] {
        var differences: [AnswerDifference] = []
        if old.status != new.status { differences.append(.init(.status, "", old: String(old.status), new: String(new.status))) }
        if old.mediaType != new.mediaType {
            differences.append(.init(.contentType, "content-type", old: old.mediaType ?? "none", new: new.mediaType ?? "none"))
        }
        let oldFile = attachment(old.headers["content-disposition"])
        let newFile = attachment(new.headers["content-disposition"])
        if oldFile != newFile {
            differences.append(.init(.contentDisposition, "content-disposition", old: oldFile ?? "none", new: newFile ?? "none"))
        }
        for name in readHeaders {
            switch (old.headers[name], new.headers[name]) {
            case (let was?, nil): differences.append(.init(.headerRemoved, name, old: was))
            case (nil, let now?): differences.append(.init(.headerAdded, name, new: now))
            case (let was?, let now?) where was != now: differences.append(.init(.headerValue, name, old: was, new: now))
            default: break
            }
        }
        switch (old.body, new.body) {
        case (.json(let a), .json(let b)):
            compareJSON(a, b, at: "", into: &differences)
        case (.text(let a), .text(let b)) where old.mediaType == new.mediaType:
            if old.mediaType == "text/csv" || looksLikeCSV(a) {
                compareCSV(a, b, into: &differences)
            } else if old.mediaType?.hasSuffix("xml") == true || a.hasPrefix("<?xml") {
                compareXML(a, b, into: &differences)
            } else if a != b {
                differences.append(.init(.valueChanged, "", old: excerpt(a), new: excerpt(b)))
            }
        case (.empty, .empty):
            break
        default:
            differences.append(.init(.bodyFormat, "", old: format(old.body), new: format(new.body)))
        }
        return differences
    }

    /// `attachment; filename="cdr.csv"` as its kind and the file name's extension (`attachment .csv`):
    /// a date in the name is not a change.
    private static func attachment(_ value: String?) -> String? {
        guard let value else { return nil }
        let kind = value.prefix { $0 != ";" }.trimmingSpaces().lowercased()
        guard let name = value.range(of: "filename=") else { return kind }
        let file = value[name.upperBound...].trimmingCharacters(in: ["\"", " "])
        let suffix = file.split(separator: ".").count > 1 ? "." + (file.split(separator: ".").last.map(String.init) ?? "") : ""
        return "\(kind) \(suffix)".trimmingSpaces()
    }

    private static func format(_ body: ExchangeResponse.Body) -> String {
        switch body {
        case .empty: "no body"
        case .json: "JSON"
        case .text: "text"
        }
    }

    static func excerpt(_ text: String) -> String {
        text.count > 60 ? String(text.prefix(57)) + "…" : text
    }
}

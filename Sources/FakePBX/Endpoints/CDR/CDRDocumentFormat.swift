/// One CDR export format: its content type, the document around the rows, and each row. Adding a
/// format is a type here and a case of ``CDRExport/Format``; ``CDRExport`` streams any of them.
protocol CDRDocumentFormat: Sendable {
    var contentType: String { get }
    /// Rows newest first, as FusionPBX's own export orders them, rather than oldest first.
    var newestFirst: Bool { get }
    /// About how many bytes a row takes, to size a batch's buffer once.
    var rowSize: Int { get }
    /// Written before every row but the first (JSON's comma between records).
    var separator: UInt8? { get }
    /// What comes before the rows; `total` is the number of rows that follow.
    func header(total: Int, dateRange: String, context: CDRRenderContext) -> [UInt8]
    func trailer(total: Int) -> [UInt8]
    func row(_ record: CallDetailRecord, into sink: ByteSink, context: inout CDRRenderContext)
}

extension CDRExport.Format {
    /// The format's document.
    var document: any CDRDocumentFormat {
        switch self {
        case .json: JSONExportDocument()
        case .csv: CSVExportDocument()
        case .xml: XMLExportDocument()
        }
    }
}

/// `export_cdr.php`'s JSON: the documented summary, then `records`, oldest first.
struct JSONExportDocument: CDRDocumentFormat {
    var contentType: String { "application/json" }
    var newestFirst: Bool { false }
    var rowSize: Int { 1400 }
    var separator: UInt8? { UInt8(ascii: ",") }

    func header(total: Int, dateRange: String, context: CDRRenderContext) -> [UInt8] {
        let header = ByteSink(capacity: 256)
        header.append(#"{"status":"success","message":"CDR export completed","total_records":"# as StaticString)
        header.append(total)
        header.append(#","date_range":"# as StaticString)
        ByteText.jsonString(dateRange, into: header)
        header.append(#","export_format":"JSON","records":["# as StaticString)
        return header.bytes
    }

    func trailer(total: Int) -> [UInt8] { Array("]}".utf8) }

    func row(_ record: CallDetailRecord, into sink: ByteSink, context: inout CDRRenderContext) {
        var writer = JSONRowWriter(sink: sink, numbersAsStrings: context.numbersAsStrings)
        writer.beginRow()
        record.columns(into: &writer, context: &context)
        writer.endRow()
    }
}

/// FusionPBX's `xml_cdr_export.php` CSV: the release's columns, newest first (see
/// ``CallDetailRecord/csvRow(into:context:)``).
struct CSVExportDocument: CDRDocumentFormat {
    // xml_cdr_export.php: header('Content-type: application/octet-binary')
    var contentType: String { "application/octet-binary" }
    var newestFirst: Bool { true }
    var rowSize: Int { 700 }
    var separator: UInt8? { nil }

    /// The header is the keys of the first row: with no rows, the script's two loops write only their
    /// line ends (app/xml_cdr/xml_cdr_export.php), so an empty export is `\n\n`.
    func header(total: Int, dateRange: String, context: CDRRenderContext) -> [UInt8] {
        guard total > 0 else { return [UInt8(ascii: "\n")] }
        return Array((context.csvColumns.map { "\"\($0.rawValue)\"" }.joined(separator: ",") + "\n").utf8)
    }

    func trailer(total: Int) -> [UInt8] { total > 0 ? [] : [UInt8(ascii: "\n")] }

    func row(_ record: CallDetailRecord, into sink: ByteSink, context: inout CDRRenderContext) {
        record.csvRow(into: sink, context: &context)
    }
}

/// `<cdr_export>` with one `<cdr>` element per record, the JSON record's fields as children.
struct XMLExportDocument: CDRDocumentFormat {
    var contentType: String { "application/xml; charset=utf-8" }
    var newestFirst: Bool { false }
    var rowSize: Int { 2600 }
    var separator: UInt8? { nil }

    func header(total: Int, dateRange: String, context: CDRRenderContext) -> [UInt8] {
        let header = ByteSink(capacity: 256)
        header.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<cdr_export status=\"success\" total_records=\"\(total)\" date_range=\"")
        ByteText.xmlEscaped(dateRange, into: header)
        header.append("\">\n" as StaticString)
        return header.bytes
    }

    func trailer(total: Int) -> [UInt8] { Array("</cdr_export>\n".utf8) }

    func row(_ record: CallDetailRecord, into sink: ByteSink, context: inout CDRRenderContext) {
        var writer = XMLRowWriter(sink: sink)
        sink.append("  <cdr>" as StaticString)
        record.columns(into: &writer, context: &context)
        sink.append("</cdr>\n" as StaticString)
    }
}

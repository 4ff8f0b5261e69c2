import Foundation
import HTTPTypes
import JSONSchema

extension Endpoint {
    /// `export_cdr.php`: the documented summary plus the records, as JSON, CSV or XML. Documented
    /// (the records and the CSV/XML layouts are inferred from FusionPBX).
    static let exportCDR = Endpoint(
        "/app/xml_cdr/export_cdr.php", app: .xmlCDR, provenance: .documented
    ) { request, server in
        let query = try CDRQuery(request)
        let format = (request.string("format") ?? "JSON").uppercased()
        guard ["JSON", "CSV", "XML"].contains(format) else {
            throw APIError.invalidRequest("format '\(format)' is not valid: expected JSON, CSV or XML")
        }
        let (records, rows, csvLines) = try server.store.read { dataset in
            let records = try query.select(from: dataset)
            let rows = records.map { $0.json(in: dataset) }
            let zones = dataset.timeZones
            let csv = format == "CSV" ? zip(records, rows).map { $0.csvRow(in: dataset, json: $1, zones: zones) } : []
            return (records, rows, csv)
        }
        switch format {
        case "CSV":
            var text = CallDetailRecord.csvColumns.map { "\"\($0)\"" }.joined(separator: ",") + "\n"
            for line in csvLines { text += line + "\n" }
            let name = "cdr_\(query.domainName ?? "all")_\(Timestamp.fileStamp(server.clock.epochSeconds)).csv"
            return EndpointResponse(
                contentType: "text/csv; charset=utf-8", body: Array(text.utf8),
                headers: [.contentDisposition: "attachment; filename=\(name)", .totalRecords: String(records.count)]
            )
        case "XML":
            var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            xml += "<cdr_export status=\"success\" total_records=\"\(records.count)\" date_range=\"\(XML.escape(query.dateRange))\">\n"
            for row in rows {
                xml += "  <cdr>"
                for member in row.objectValue ?? [:] {
                    xml += "<\(member.key)>\(XML.escape(CallDetailRecord.plainText(member.value)))</\(member.key)>"
                }
                xml += "</cdr>\n"
            }
            xml += "</cdr_export>\n"
            return EndpointResponse(
                contentType: "application/xml; charset=utf-8", body: Array(xml.utf8),
                headers: [.totalRecords: String(records.count)]
            )
        default:
            return .success(
                "CDR export completed",
                [
                    "total_records": .int(records.count), "date_range": .string(query.dateRange),
                    "export_format": "JSON", "records": .array(rows),
                ]
            )
        }
    }

    /// `check_cdrs.php`: whether CDRs exist for a range, with counts per domain. Inferred.
    static let checkCDRs = Endpoint(
        "/app/xml_cdr/check_cdrs.php", app: .xmlCDR, provenance: .inferred
    ) { request, server in
        let query = try CDRQuery(request)
        let records = try server.store.read { dataset in try query.select(from: dataset) }
        var perDomain: [String: Int] = [:]
        for record in records { perDomain[record.domainName, default: 0] += 1 }
        let domains = perDomain.sorted { $0.key < $1.key }.map { entry -> JSONValue in
            ["domain_name": .string(entry.key), "total_records": .int(entry.value)]
        }
        return .success(
            "CDR check completed",
            [
                "cdrs_available": .bool(!records.isEmpty), "total_records": .int(records.count),
                "answered_records": .int(records.filter { $0.billsec > 0 }.count),
                "date_range": .string(query.dateRange),
                "first_record": .string(records.first.map { Timestamp.iso8601($0.startEpoch) } ?? ""),
                "last_record": .string(records.last.map { Timestamp.iso8601($0.startEpoch) } ?? ""),
                "domains": .array(domains),
            ]
        )
    }

    /// `get_cdr_data.php`: CDR rows for analysis, filtered and paged. Inferred.
    static let getCDRData = Endpoint(
        "/app/xml_cdr/get_cdr_data.php", app: .xmlCDR, provenance: .inferred
    ) { request, server in
        let query = try CDRQuery(request)
        let page = try request.int("page", in: 1...1_000_000) ?? 1
        let perPage = try request.int("per_page", in: 1...1000) ?? 100
        let (total, rows) = try server.store.read { dataset in
            let records = try query.select(from: dataset)
            let slice = records.dropFirst((page - 1) * perPage).prefix(perPage)
            return (records.count, slice.map { $0.json(in: dataset) })
        }
        return .success(
            "CDR data retrieved successfully",
            [
                "total_records": .int(total), "page": .int(page), "per_page": .int(perPage),
                "total_pages": .int((total + perPage - 1) / perPage), "date_range": .string(query.dateRange),
                "records": .array(rows),
            ]
        )
    }
}

extension HTTPField.Name {
    static let contentDisposition = HTTPField.Name("Content-Disposition")!
    static let totalRecords = HTTPField.Name("X-Total-Records")!
}

extension Timestamp {
    /// `YYYYmmdd_HHMMSS`, as in FusionPBX's export file names.
    static func fileStamp(_ epoch: Int) -> String {
        postgres(epoch).dropLast(3).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
            .replacingOccurrences(of: " ", with: "_")
    }
}

enum XML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }
}

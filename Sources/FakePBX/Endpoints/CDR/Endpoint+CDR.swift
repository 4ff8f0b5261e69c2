import Foundation
import HTTPTypes
import JSONSchema

extension Endpoint {
    /// `export_cdr.php`: the documented summary plus the records, as JSON, CSV or XML. Documented
    /// (the records and the CSV/XML layouts are inferred from FusionPBX).
    static let exportCDR = Endpoint(
        "/app/xml_cdr/export_cdr.php", app: .xmlCDR, rateClass: .cdr, work: .growsWithData, provenance: .documented
    ) { request, server in
        let query = try CDRQuery(request)
        let name = (request.string("format") ?? "JSON").uppercased()
        guard let format = CDRExport.Format(rawValue: name) else {
            throw APIError.invalidRequest("format '\(name)' is not valid: expected JSON, CSV or XML")
        }
        let now = server.clock.epochSeconds
        let release = server.release
        let selection = try server.store.read { dataset in
            try query.selection(in: dataset, now: now, release: release, csv: format == .csv)
        }
        let total = selection.count()
        var headers: HTTPFields = [.totalRecords: String(total)]
        if format == .csv {
            // xml_cdr_export.php: cdr_<date>.csv with show=all, cdr_<domain>_<date>.csv for one domain.
            let file = "cdr_\(query.domainName.map { $0 + "_" } ?? "")\(Timestamp.fileStamp(now)).csv"
            headers[.contentDisposition] = "attachment; filename=\(file)"
        }
        let export = CDRExport(format: format, selection: selection, total: total, dateRange: query.dateRange)
        return .produced(export, contentType: format.contentType, headers: headers)
    }

    /// `check_cdrs.php`: whether CDRs exist for a range, with counts per domain. Inferred.
    static let checkCDRs = Endpoint(
        "/app/xml_cdr/check_cdrs.php", app: .xmlCDR, rateClass: .standard, work: .growsWithData, provenance: .inferred
    ) { request, server in
        let query = try CDRQuery(request)
        let now = server.clock.epochSeconds
        let release = server.release
        let summary = try server.store.read { dataset in try query.selection(in: dataset, now: now, release: release) }.summary()
        let domains = summary.perDomain.sorted { $0.key < $1.key }.map { entry -> JSONValue in
            ["domain_name": .string(entry.key), "total_records": .int(entry.value)]
        }
        return .success(
            "CDR check completed",
            [
                "cdrs_available": .bool(summary.total > 0), "total_records": .int(summary.total),
                "answered_records": .int(summary.answered), "date_range": .string(query.dateRange),
                "first_record": summary.first.map { .string(Timestamp.iso8601($0)) } ?? .null,
                "last_record": summary.last.map { .string(Timestamp.iso8601($0)) } ?? .null,
                "domains": .array(domains),
            ]
        )
    }

    /// `get_cdr_data.php`: CDR rows for analysis, filtered and paged. Inferred.
    static let getCDRData = Endpoint(
        "/app/xml_cdr/get_cdr_data.php", app: .xmlCDR, rateClass: .cdr, work: .growsWithData, provenance: .inferred
    ) { request, server in
        let query = try CDRQuery(request)
        let page = try request.int("page", in: 1...1_000_000) ?? 1
        let perPage = try request.int("per_page", in: 1...1000) ?? 100
        let now = server.clock.epochSeconds
        let release = server.release
        let selection = try server.store.read { dataset in try query.selection(in: dataset, now: now, release: release) }
        let (total, records) = selection.page(offset: (page - 1) * perPage, limit: perPage)
        return .success(
            "CDR data retrieved successfully",
            [
                "total_records": .int(total), "page": .int(page), "per_page": .int(perPage),
                "total_pages": .int((total + perPage - 1) / perPage), "date_range": .string(query.dateRange),
                "records": .array(records.map { $0.json(context: selection.context) }),
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

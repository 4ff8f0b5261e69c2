extension AnswerDifference {
    /// A first line with commas and no spaces around them reads as a CSV header.
    static func looksLikeCSV(_ text: String) -> Bool {
        guard let first = text.split(separator: "\n", maxSplits: 1).first else { return false }
        return first.contains(",") && !first.contains("<") && !first.contains("{")
    }

    /// Columns by name (added, removed, renamed in place, reordered), quoting, line ends, row order
    /// and the rows' values column by column.
    static func compareCSV(_ old: String, _ new: String, into differences: inout [AnswerDifference]) {
        let a = CSVTable(old)
        let b = CSVTable(new)
        if a.lineEnd != b.lineEnd { differences.append(.init(.csvLineEnds, "", old: a.lineEnd, new: b.lineEnd)) }
        if a.quoting != b.quoting { differences.append(.init(.csvQuoting, "", old: a.quoting, new: b.quoting)) }
        let removed = a.columns.filter { !b.columns.contains($0) }
        let added = b.columns.filter { !a.columns.contains($0) }
        var renamed: [String: String] = [:]
        // A column gone and another new at the same position: renamed, as a client reading by position sees it.
        for column in removed {
            let position = a.columns.firstIndex(of: column)!
            if position < b.columns.count, added.contains(b.columns[position]) { renamed[column] = b.columns[position] }
        }
        for column in removed {
            if let now = renamed[column] {
                differences.append(.init(.csvColumnRenamed, column, old: column, new: now))
            } else {
                differences.append(.init(.csvColumnRemoved, column, old: "column \(a.columns.firstIndex(of: column)! + 1)"))
            }
        }
        for column in added where !renamed.values.contains(column) {
            let position = b.columns.firstIndex(of: column)!
            differences.append(.init(.csvColumnAdded, column, new: position == b.columns.count - 1 ? "last column" : "column \(position + 1)"))
        }
        let common = a.columns.filter { b.columns.contains($0) }
        if common != b.columns.filter({ a.columns.contains($0) }) {
            differences.append(
                .init(
                    .csvColumnsReordered, "", old: common.joined(separator: ","),
                    new: b.columns.filter { a.columns.contains($0) }.joined(separator: ",")))
        }
        if a.rows.count != b.rows.count { differences.append(.init(.itemCount, "rows", old: String(a.rows.count), new: String(b.rows.count))) }
        let oldRows = a.rows.map { row in common.map { a.value(row, $0) } }
        let newRows = b.rows.map { row in common.map { b.value(row, $0) } }
        if oldRows != newRows, oldRows.count == newRows.count,
            oldRows.sorted(by: { $0.lexicographicallyPrecedes($1) }) == newRows.sorted(by: { $0.lexicographicallyPrecedes($1) })
        {
            differences.append(.init(.csvRowOrder, "rows"))
            return
        }
        for (x, y) in zip(oldRows, newRows) where x != y {
            for (index, column) in common.enumerated() where x[index] != y[index] {
                differences.append(.init(.valueChanged, column, old: excerpt(x[index]), new: excerpt(y[index])))
            }
        }
    }
}

/// A CSV document read as RFC 4180 says (quoted fields may hold commas, quotes and line breaks).
struct CSVTable {
    var columns: [String] = []
    var rows: [[String]] = []
    /// `CRLF` or `LF`.
    var lineEnd = "LF"
    /// How the header's fields are written: `every field quoted`, `no field quoted` or `some fields quoted`.
    var quoting = "no field quoted"

    init(_ text: String) {
        if text.contains("\r\n") { lineEnd = "CRLF" }
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var inQuotes = false
        var quotedCount = 0
        var headerFields = 0
        var characters = Array(text.unicodeScalars)[...]
        while let c = characters.popFirst() {
            if inQuotes {
                if c == "\"" {
                    if characters.first == "\"" {
                        field.unicodeScalars.append(c)
                        characters.removeFirst()
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                inQuotes = true
                quoted = true
            } else if c == "," || c == "\n" {
                if records.isEmpty {
                    headerFields += 1
                    if quoted { quotedCount += 1 }
                }
                record.append(field)
                field = ""
                quoted = false
                if c == "\n" {
                    records.append(record)
                    record = []
                }
            } else if c != "\r" {
                field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        if headerFields > 0 {
            quoting = quotedCount == headerFields ? "every field quoted" : quotedCount == 0 ? "no field quoted" : "some fields quoted"
        }
        columns = records.first ?? []
        rows = Array(records.dropFirst())
    }

    func value(_ row: [String], _ column: String) -> String {
        guard let index = columns.firstIndex(of: column), index < row.count else { return "" }
        return row[index]
    }
}

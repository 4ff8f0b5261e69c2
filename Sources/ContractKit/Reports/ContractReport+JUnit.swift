extension ContractReport {
    /// JUnit XML as GitLab, GitHub and Jenkins read it: one `<testsuite>` per suite, one `<testcase>`
    /// per check; a failure lists each violation with its JSON pointer, rule and value.
    public func junitXML() -> String {
        let total = summary
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"\(Self.escape(title))\" tests=\"\(total.total)\" failures=\"\(total.failed)\" errors=\"\(total.errors)\""
        xml += " skipped=\"\(total.skipped)\" time=\"\(seconds(durationSeconds))\" timestamp=\"\(Self.escape(startedAt))\">\n"
        for suite in suites {
            let counts = Summary(suite.checks)
            let time = suite.checks.reduce(0) { $0 + $1.durationSeconds }
            xml += "  <testsuite name=\"\(Self.escape(suite.name))\" tests=\"\(counts.total)\" failures=\"\(counts.failed)\""
            xml += " errors=\"\(counts.errors)\" skipped=\"\(counts.skipped)\" time=\"\(seconds(time))\" timestamp=\"\(Self.escape(startedAt))\">\n"
            xml += "    <properties><property name=\"target\" value=\"\(Self.escape(target))\"/></properties>\n"
            for check in suite.checks {
                let classname = "contracts.\(suite.name)" + (check.operation.map { ".\($0)" } ?? "")
                xml +=
                    "    <testcase classname=\"\(Self.escape(classname))\" name=\"\(Self.escape(check.name))\" time=\"\(seconds(check.durationSeconds))\""
                let notes = check.notes.isEmpty ? "" : "      <system-out>\(Self.escape(check.notes.joined(separator: "\n")))</system-out>\n"
                switch check.outcome {
                case .passed where notes.isEmpty:
                    xml += "/>\n"
                case .passed:
                    xml += ">\n\(notes)    </testcase>\n"
                case .skipped(let reason):
                    xml += ">\n      <skipped message=\"\(Self.escape(reason))\"/>\n    </testcase>\n"
                case .error(let message):
                    xml += ">\n      <error type=\"transport\" message=\"\(Self.escape(message))\">\(Self.escape(message))</error>\n    </testcase>\n"
                case .failed(let violations):
                    let first = violations.first.map(\.description) ?? ""
                    let message = violations.count == 1 ? first : "\(violations.count) violations; first: \(first)"
                    xml += ">\n      <failure type=\"contract-violation\" message=\"\(Self.escape(message))\">"
                    xml += Self.escape(violations.map { ContractReport.detail($0, of: check) }.joined(separator: "\n"))
                    xml += "</failure>\n\(notes)    </testcase>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return xml
    }

    /// One violation spelled out for a failure's text: where, what rule (unless the check is named
    /// after it, as a finding is), what value.
    static func detail(_ violation: ContractViolation, of check: Check) -> String {
        var lines = ["\(violation.subject.rawValue) \(violation.pointer.isEmpty ? "(root)" : violation.pointer): \(violation.message)"]
        if !violation.rule.isEmpty && violation.rule != check.name { lines.append("  rule:  \(violation.rule)") }
        if let value = violation.value { lines.append("  value: \(value)") }
        return lines.joined(separator: "\n")
    }

    private func seconds(_ value: Double) -> String {
        let millis = Int((value * 1000).rounded())
        let fraction = String(millis % 1000)
        return "\(millis / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    /// Escapes text for XML and HTML attributes and content (the JUnit and HTML reports); characters
    /// XML 1.0 forbids become U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\t", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}

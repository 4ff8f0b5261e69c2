import Foundation

extension ContractReport {
    /// The report as one self-contained HTML page (`--html FILE`): the same counts as the JUnit
    /// report, each suite and check, and each violation with its JSON pointer, the schema rule and
    /// the offending value. No script and nothing loaded from elsewhere, so CI can keep it as an
    /// artifact and anyone can open it.
    public func htmlDocument() -> String {
        let counts = summary
        var page = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Self.escape(title)): \(Self.escape(verdict))</title>
            <style>\(Self.style)</style></head>
            <body class="\(exitCode == 0 ? "held" : "broken")">
            <h1>\(Self.escape(title)) <span class="target">\(Self.escape(target))</span></h1>
            <p class="verdict">\(Self.escape(verdict)), started \(Self.escape(startedAt)), \(String(format: "%.2f", durationSeconds)) s</p>
            <table id="summary"><tr><th>checks</th><th>passed</th><th>failed</th><th>skipped</th><th>errors</th></tr>
            <tr><td id="total">\(counts.total)</td><td id="passed">\(counts.passed)</td><td id="failed">\(counts.failed)</td>\
            <td id="skipped">\(counts.skipped)</td><td id="errors">\(counts.errors)</td></tr></table>

            """
        for suite in suites { page += Self.html(suite) }
        page += "</body></html>\n"
        return page
    }

    private static func html(_ suite: Suite) -> String {
        let counts = Summary(suite.checks)
        let open = counts.failed + counts.errors > 0 ? " open" : ""
        var html =
            "<details class=\"suite\"\(open)><summary><strong>\(escape(suite.name))</strong> "
            + "<span class=\"counts\">\(counts.passed) of \(counts.total) passed</span></summary>\n<table class=\"checks\">\n"
        for check in suite.checks {
            let (outcome, detail) = describe(check.outcome)
            html += "<tr class=\"\(outcome)\"><td class=\"outcome\">\(outcome)</td><td>\(escape(check.name))"
            if let operation = check.operation { html += " <span class=\"operation\">\(escape(operation))</span>" }
            for note in check.notes { html += "<div class=\"note\">note: \(escape(note))</div>" }
            html += detail + "</td></tr>\n"
        }
        return html + "</table></details>\n"
    }

    private static func describe(_ outcome: Check.Outcome) -> (String, String) {
        switch outcome {
        case .passed: return ("passed", "")
        case .skipped(let reason): return ("skipped", "<div class=\"reason\">\(escape(reason))</div>")
        case .error(let message): return ("error", "<div class=\"reason\">\(escape(message))</div>")
        case .failed(let violations):
            let items = violations.map { violation in
                var item =
                    "<li class=\"violation\"><span class=\"subject\">\(escape(violation.subject.rawValue))</span> "
                    + "<code class=\"pointer\">\(escape(violation.pointer.isEmpty ? "(root)" : violation.pointer))</code> "
                    + "<span class=\"message\">\(escape(violation.message))</span>"
                if let value = violation.value { item += " <span class=\"value\">value: <code>\(escape(value))</code></span>" }
                if !violation.rule.isEmpty { item += "<div class=\"rule\">rule: <code>\(escape(violation.rule))</code></div>" }
                return item + "</li>"
            }
            return ("failed", "<ul class=\"violations\">" + items.joined() + "</ul>")
        }
    }

    private static let style = """
        body { font-family: system-ui, sans-serif; font-size: 14px; margin: 1.5em; color: #1b1f24; }
        h1 { font-size: 1.3em; } .target { color: #6e7781; font-weight: normal; }
        .broken .verdict { color: #cf222e; font-weight: 600; } .held .verdict { color: #1a7f37; font-weight: 600; }
        table { border-collapse: collapse; } th, td { padding: .25em .6em; text-align: left; vertical-align: top; }
        #summary td, #summary th { border: 1px solid #d6d9de; text-align: center; } #failed, #errors { color: #cf222e; font-weight: 600; }
        .suite { margin: .6em 0; border: 1px solid #d6d9de; border-radius: 6px; padding: .4em .8em; }
        .counts, .operation { color: #6e7781; } .checks { width: 100%; } .checks tr { border-top: 1px solid #eceef1; }
        .outcome { width: 5em; } .passed .outcome { color: #1a7f37; } .failed .outcome, .error .outcome { color: #cf222e; font-weight: 600; }
        .skipped .outcome { color: #6e7781; }
        .violation { margin: .3em 0; } .pointer { background: #fff8c5; padding: 0 .25em; font-weight: 600; }
        .subject { text-transform: uppercase; font-size: .8em; color: #6e7781; } .rule, .note, .reason { color: #57606a; font-size: .92em; }
        code { font-family: ui-monospace, monospace; }
        """
}

import ArgumentParser
import FakePBX
import Foundation

struct CDRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cdr",
        abstract: "Work with call detail records.",
        subcommands: [Generate.self]
    )

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Write a seeded set of FusionPBX CDRs as JSON, CSV or XML.",
            discussion: """
                The same seed, dataset and options always give byte-identical output. Calls spread over
                business hours in each domain's time zone, weekends quieter; --count N makes exactly N
                calls (N records with --legs a, more with b-legs). The JSON is export_cdr.php's document,
                the CSV FusionPBX's own export columns.
                """
        )

        @Option(parsing: .unconditional, help: "Exactly this many calls over the days (default: the dataset's calls per day).") var count: Int?
        @Option(help: "Seed text (default: the dataset's cdr_generation seed, or 'fakepbx').") var seed: String?
        @Option(help: "First day, YYYY-MM-DD, in each domain's time zone (default: 6 days before --to, a week in all).") var from: String?
        @Option(help: "Last day, YYYY-MM-DD, inclusive (default: yesterday, UTC).") var to: String?
        @Option(help: "Only this tenant's calls.") var domain: String?
        @Option(help: "json, csv or xml.") var format: String = "json"
        @Option(help: "a (what FusionPBX lists and ictVoIP bills), b, or all.") var legs: String = "a"
        @Option(help: "Dataset file with the tenants (default: the embedded dataset).") var data: String?
        @Option(name: [.short, .customLong("out")], help: "Write to this file (atomically) instead of standard output.") var out: String?
        @Option(parsing: .unconditional, help: "Weekday calls per tenant, when --count is not given.") var callsPerDay: Int?
        @Option(parsing: .unconditional, help: "Share of outbound calls to special-rate numbers (0-1).") var specialShare: Double?
        @Option(parsing: .unconditional, help: "Share of outbound calls abroad (0-1).") var internationalShare: Double?
        @Option(parsing: .unconditional, help: "Share of dialled numbers with a prefix quirk to normalise (0-1).") var prefixQuirks: Double?
        @Option(help: "The FusionPBX release whose columns to write, e.g. 5.5.2 (default: 5.4.9).") var pbxVersion: PBXVersion = .default
        @Flag(help: "No progress bar on standard error.") var quiet = false

        func run() throws {
            guard let format = CDRExport.Format(rawValue: format.uppercased()) else {
                throw ValidationError("--format '\(format)' is not valid: expected json, csv or xml")
            }
            guard let legs = LegSelection(rawValue: legs.lowercased()) else {
                throw ValidationError("--legs '\(legs)' is not valid: expected a, b or all")
            }
            let dataset = try data.map(Dataset.load(contentsOf:)) ?? .defaultDataset
            var settings = dataset.cdrGeneration ?? CDRGeneration()
            if let seed { settings.seed = seed }
            if let callsPerDay {
                settings.callsPerDay = callsPerDay
                settings.domains = [:]
            }
            if let specialShare { settings.specialShare = specialShare }
            if let internationalShare { settings.internationalShare = internationalShare }
            if let prefixQuirks { settings.prefixQuirks = prefixQuirks }
            let yesterday = Date().addingTimeInterval(-86_400)
            let last = to ?? Self.day(yesterday)
            let first = from ?? Self.day((Self.date(last) ?? yesterday).addingTimeInterval(-6 * 86_400))
            let job = CDRGenerateJob(
                dataset: dataset, settings: settings, from: first, to: last, count: count, domain: domain, legs: legs, format: format,
                release: pbxVersion.model
            )
            if let note = FusionPBXReleases.note(for: pbxVersion) { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
            do {
                var (export, total) = try job.export()
                var bar = ProgressBar(total: total, enabled: !quiet && total >= 10_000)
                try CDRGenerateJob.write(&export, to: out, progress: { bar.update($0) })
                bar.finish()
                if let out, !quiet {
                    FileHandle.standardError.write(Data("wrote \(total) CDRs (\(first) to \(last), seed '\(settings.seed)') to \(out)\n".utf8))
                }
            } catch {
                if error.code == .invalidConfiguration { throw ValidationError("\(error)") }
                throw error
            }
        }

        static func day(_ date: Date) -> String {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = .gmt
            let c = calendar.dateComponents([.year, .month, .day], from: date)
            return String(format: "%04d-%02d-%02d", c.year ?? 1970, c.month ?? 1, c.day ?? 1)
        }

        static func date(_ day: String) -> Date? {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = .gmt
            formatter.dateFormat = "yyyy-MM-dd"
            return formatter.date(from: day)
        }
    }
}

/// A progress bar on standard error: redrawn in place on a terminal, a line per 10 % otherwise (CI logs).
struct ProgressBar {
    let total: Int
    let enabled: Bool
    private let terminal = isatty(STDERR_FILENO) != 0
    private var shown = -1

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled && total > 0
    }

    mutating func update(_ done: Int) {
        guard enabled else { return }
        let percent = min(100, done * 100 / total)
        guard terminal ? percent != shown : percent / 10 != shown / 10 || shown < 0 else { return }
        shown = percent
        let filled = percent * 30 / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
        let line = "[\(bar)] \(percent)% \(done)/\(total) CDRs"
        FileHandle.standardError.write(Data((terminal ? "\r\(line)" : "\(line)\n").utf8))
    }

    mutating func finish() {
        guard enabled else { return }
        update(total)
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

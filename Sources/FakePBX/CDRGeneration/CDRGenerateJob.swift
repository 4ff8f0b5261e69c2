import Foundation
import JSONSchema

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// One `fakepbx cdr generate` run: which tenants, which days, how many calls, which format.
public struct CDRGenerateJob: Sendable {
    public var dataset: Dataset
    public var settings: CDRGeneration
    /// First and last day, `YYYY-MM-DD`, inclusive, in each domain's own time zone.
    public var from: String
    public var to: String
    /// Exactly this many calls over the days; `nil` for the dataset's calls per day.
    public var count: Int?
    public var domain: String?
    public var legs: LegSelection
    public var format: CDRExport.Format
    /// The release whose columns are written (the CSV's differ by release, see ``FusionPBXRelease``).
    public var release: FusionPBXRelease

    public init(
        dataset: Dataset, settings: CDRGeneration, from: String, to: String, count: Int? = nil, domain: String? = nil,
        legs: LegSelection = .a, format: CDRExport.Format = .json, release: FusionPBXRelease = PBXVersion.default.model
    ) {
        self.release = release
        self.dataset = dataset
        self.settings = settings
        self.from = from
        self.to = to
        self.count = count
        self.domain = domain
        self.legs = legs
        self.format = format
    }

    /// The export and its record count; a bad option is named in the error.
    public func export() throws(FakePBXError) -> (export: CDRExport, total: Int) {
        var days: [Int] = []
        for (flag, text) in [("--from", from), ("--to", to)] {
            guard text.count == 10, let epoch = Timestamp.parseDay(text) else {
                throw FakePBXError(.invalidConfiguration, "'\(text)' is not a date; expected YYYY-MM-DD", at: flag)
            }
            days.append(epoch / 86_400)
        }
        guard days[0] <= days[1] else {
            throw FakePBXError(.invalidConfiguration, "--to \(to) is before --from \(from)", at: "--to")
        }
        if let count, count < 0 {
            throw FakePBXError(.invalidConfiguration, "the count must be 0 or more, not \(count)", at: "--count")
        }
        if let domain, !dataset.domains.contains(where: { $0.name == domain }) {
            let names = dataset.domains.map(\.name).joined(separator: ", ")
            throw FakePBXError(.invalidConfiguration, "no domain '\(domain)' in the dataset; it has: \(names)", at: "--domain")
        }
        let problems = settings.problems(at: "", domainNames: Set(dataset.domains.map(\.name)))
        if let (pointer, message) = problems.first {
            throw FakePBXError(.invalidConfiguration, message, at: "--" + pointer.dropFirst().replacingOccurrences(of: "_", with: "-"))
        }
        var filtered = dataset
        filtered.cdrs = []
        let generator = CDRGenerator(dataset: filtered, settings: settings, from: days[0], to: days[1], count: count, domain: domain)
        var filter = CDRFilter(legs: legs)
        filter.withoutLoseRace = format == .csv
        var selection = CDRSelection(dataset: filtered, domain: domain, filter: filter, generator: generator)
        selection.context.use(release, allDomains: domain == nil)
        selection.context.numbersAsStrings = dataset.phpTypes == true
        let total = selection.count()
        return (CDRExport(format: format, selection: selection, total: total, dateRange: "\(from) to \(to)"), total)
    }

    /// Writes `export` to `path` (whole or not at all, see ``AtomicFile``) or to standard output
    /// when `path` is nil, calling `progress` with the records written.
    public static func write(_ export: inout CDRExport, to path: String?, progress: (Int) -> Void) throws(FakePBXError) {
        guard let path else {
            while let chunk = export.nextChunk() {
                var offset = 0
                while offset < chunk.count {
                    let written = chunk[offset...].withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw FakePBXError(.fileAccess, "cannot write the CDRs: \(String(cString: strerror(errno)))", at: "standard output")
                    }
                    offset += written
                }
                progress(export.written)
            }
            return
        }
        do throws(AtomicFile.Failure) {
            let file = try AtomicFile(path: path)
            while let chunk = export.nextChunk() {
                try file.write(chunk)
                progress(export.written)
            }
            try file.commit()
        } catch {
            throw FakePBXError(.fileAccess, error.message, at: path)
        }
    }
}

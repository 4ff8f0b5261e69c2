import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("fakepbx cdr generate")
struct CDRCommandTests {
    static let base = ["cdr", "generate", "--seed", "ci", "--from", "2026-11-02", "--to", "2026-11-08"]

    @Test func theSameSeedWritesTheSameFileAndStdoutIsTheExportDocument() async throws {
        try await withTemporaryDirectory { dir in
            let one = dir.appendingPathComponent("one.csv").path
            let two = dir.appendingPathComponent("two.csv").path
            for file in [one, two] {
                let run = try await runProcess(try fakepbxExecutable(), Self.base + ["--count", "500", "--format", "csv", "--out", file])
                #expect(run.status == 0, "\(run.stderr)")
                #expect(run.stderr.contains("wrote 500 CDRs (2026-11-02 to 2026-11-08, seed 'ci') to \(file)"))
            }
            let first = try Data(contentsOf: URL(fileURLWithPath: one))
            #expect(first == (try Data(contentsOf: URL(fileURLWithPath: two))), "byte-identical")
            #expect(String(decoding: first, as: UTF8.self).split(separator: "\n").count == 501, "a header and 500 a-legs")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["one.csv", "two.csv"], "no temporary file left")

            let json = try await runProcess(
                try fakepbxExecutable(), Self.base + ["--count", "40", "--legs", "all", "--domain", "thames.pbx.example.co.uk"])
            #expect(json.status == 0)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(document["message"] as? String == "CDR export completed")
            #expect(document["date_range"] as? String == "2026-11-02 to 2026-11-08")
            let records = try #require(document["records"] as? [[String: Any]])
            #expect(records.count == document["total_records"] as? Int)
            #expect(records.filter { $0["leg"] as? String == "a" }.count == 40, "40 calls, each with its b-legs")
            #expect(records.allSatisfy { $0["domain_name"] as? String == "thames.pbx.example.co.uk" })
        }
    }

    @Test func aLargeSetShowsProgressOnStandardError() async throws {
        let run = try await runProcess(try fakepbxExecutable(), Self.base + ["--count", "12000", "--format", "xml"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("] 100% 12000/12000 CDRs"), "\(run.stderr.prefix(300))")
        #expect(run.stdout.hasSuffix("</cdr_export>\n"))
        let quiet = try await runProcess(try fakepbxExecutable(), Self.base + ["--count", "12000", "--format", "xml", "--quiet"])
        #expect(quiet.stderr.isEmpty)
    }

    /// The CSV of the release asked for (FusionPBX `app/xml_cdr/xml_cdr_export.php`, 5.5.1 commit 9a377766cd): 5.5.1 swaps tta for wait; an empty
    /// export has no header; an unknown version is answered as the nearest release, and said so.
    @Test func csvFollowsTheReleaseAskedFor() async throws {
        let columns54 = try FusionPBXFacts.csvColumns54()
        let v551 = try await runProcess(try fakepbxExecutable(), Self.base + ["--count", "50", "--format", "csv", "--pbx-version", "5.5.1"])
        #expect(v551.status == 0)
        let header = v551.stdout.prefix { $0 != "\n" }
        #expect(header == columns54.map { "\"\($0 == "tta" ? "wait" : $0)\"" }.joined(separator: ","))
        #expect(v551.stderr.isEmpty, "a known release needs no note")

        let empty = try await runProcess(try fakepbxExecutable(), Self.base + ["--count", "0", "--format", "csv"])
        #expect(empty.status == 0)
        #expect(empty.stdout == "\n\n", "no header without rows, as xml_cdr_export.php writes it")

        let unknown = try await runProcess(try fakepbxExecutable(), Self.base + ["--count", "5", "--format", "csv", "--pbx-version", "5.4.11"])
        #expect(unknown.status == 0)
        #expect(unknown.stderr.contains("FusionPBX 5.4.11 is not a release fakepbx knows; it answers as 5.4.10"), "\(unknown.stderr)")
        #expect(unknown.stdout.hasPrefix(columns54.map { "\"\($0)\"" }.joined(separator: ",")))
        let bad = try await runProcess(try fakepbxExecutable(), Self.base + ["--pbx-version", "five"])
        #expect(bad.status == 64)
    }

    @Test func badOptionsExitWithUsageErrors() async throws {
        let format = try await runProcess(try fakepbxExecutable(), Self.base + ["--format", "pdf"])
        #expect(format.status == 64)
        #expect(format.stderr.contains("--format 'pdf' is not valid: expected json, csv or xml"))
        let range = try await runProcess(try fakepbxExecutable(), ["cdr", "generate", "--from", "2026-11-09", "--to", "2026-11-01"])
        #expect(range.status == 64)
        #expect(range.stderr.contains("--to: --to 2026-11-01 is before --from 2026-11-09"))
        let domain = try await runProcess(try fakepbxExecutable(), Self.base + ["--domain", "nowhere.example"])
        #expect(domain.status == 64)
        #expect(domain.stderr.contains("--domain: no domain 'nowhere.example' in the dataset"))
        let out = try await runProcess(try fakepbxExecutable(), Self.base + ["--count", "5", "--out", "/nonexistent-dir/x.json"])
        #expect(out.status == 2)
        #expect(
            out.stderr.contains(
                "/nonexistent-dir/x.json: cannot create the file: No such file or directory (check the folder exists and is writable)"))
    }
}

extension CDRCommandTests {
    @Test("kill -9 in the middle of cdr generate --out: the previous file is intact and nothing else is left")
    func killedMidWriteLeavesNoStrayFile() async throws {
        try await withTemporaryDirectory { folder in
            let target = folder.appendingPathComponent("october.json").path
            try "previous contents\n".write(toFile: target, atomically: true, encoding: .utf8)
            // Enough calls that even the release build (about 0.5 s and 130 MB per 100,000) is still
            // writing when this test, starved on a busy machine, first looks (300,000 were done before
            // it looked once); it is killed as soon as it is seen writing.
            let job = try await LaunchedProcess(try fakepbxExecutable(), ["cdr", "generate", "--count", "2000000", "--quiet", "--out", target])
            // Killed once it holds its unnamed temporary file (O_TMPFILE, seen through /proc): the
            // file the atomic write must leave no trace of, whatever the machine's speed.
            let writing = try await waitFor(
                timeout: .seconds(120),
                {
                    let descriptors = "/proc/\(job.pid)/fd"
                    return ((try? FileManager.default.contentsOfDirectory(atPath: descriptors)) ?? []).first { fd in
                        (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(descriptors)/\(fd)"))?.hasPrefix(folder.path) == true
                    }
                }, until: { _ in true })
            #expect(writing != nil, "the job never opened its temporary file")
            #expect(job.isRunning, "the job must still be writing when it is killed")
            job.signal(SIGKILL)
            _ = try await job.waitForExit(timeout: .seconds(30))
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["october.json"], "no stray temporary file")
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "previous contents\n")
            let finished = try await runProcess(try fakepbxExecutable(), ["cdr", "generate", "--count", "20", "--quiet", "--out", target])
            #expect(finished.status == 0, "\(finished.stderr)")
            #expect(try String(contentsOfFile: target, encoding: .utf8).contains("\"total_records\":20"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["october.json"])
        }
    }
}

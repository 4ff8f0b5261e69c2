import ContractKit
import FakePBX
import Foundation
import TestSupport
import Testing

/// A customer's report: "CDR import fails at night with 429s, then the WHMCS server gets banned".
/// Recorded, bundled, reproduced in another folder, and the fix shown to work against the bundle.
@Suite("A customer's night run, reproduced")
struct NightRunTests {
    /// The billing module's nightly CDR import, day by day. `naive` retries a 429 at once (the
    /// customer's bug); `fixed` waits for `Retry-After`, at most 3 times a day, on the fake's clock
    /// (it advances the clock instead of sleeping, as a test double for `sleep`). Prints each
    /// answer's status, `curl N` when the connection failed, and `done` or `gave up`.
    ///
    /// The tests run on a frozen clock: the rate window and the jail's find time then do not depend
    /// on how fast the machine sends the requests, so every run sends the same ones.
    static let nightRun = #"""
        <?php
        [$script, $base, $mode] = $argv;
        $tries = 0;
        for ($day = 1; $day <= 12;) {
            $ch = curl_init("$base/app/xml_cdr/export_cdr.php");
            $headers = [];
            curl_setopt_array($ch, [
                CURLOPT_RETURNTRANSFER => true,
                CURLOPT_POST => true,
                CURLOPT_TIMEOUT => 60,
                CURLOPT_POSTFIELDS => http_build_query([
                    'username' => 'admin', 'password' => 'your-password', 'domain_name' => 'yourdomain.com',
                    'date_start' => sprintf('2026-11-%02d', $day), 'date_end' => sprintf('2026-11-%02d', $day),
                ]),
                CURLOPT_HEADERFUNCTION => function ($ch, $line) use (&$headers) {
                    $parts = explode(':', $line, 2);
                    if (count($parts) === 2) { $headers[strtolower(trim($parts[0]))] = trim($parts[1]); }
                    return strlen($line);
                },
            ]);
            $body = curl_exec($ch);
            if ($body === false) { echo 'curl ', curl_errno($ch), "\n"; exit(0); }
            $status = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
            echo $status, "\n";
            if ($status == 429) {
                $tries++;
                if ($mode === 'fixed') {
                    if ($tries > 3) { echo "gave up\n"; exit(0); }
                    $wait = curl_init("$base/__fakepbx/clock/advance");
                    curl_setopt_array($wait, [
                        CURLOPT_RETURNTRANSFER => true, CURLOPT_POST => true, CURLOPT_HTTPHEADER => ['Content-Type: application/json'],
                        CURLOPT_POSTFIELDS => json_encode(['seconds' => max(1, (int)($headers['retry-after'] ?? 1))]),
                    ]);
                    curl_exec($wait);
                }
                continue;
            }
            $tries = 0;
            $day++;
        }
        echo "done\n";
        """#

    /// Runs the night run against `base`; returns what it printed, one item per line.
    static func run(_ mode: String, against base: String, script: String) async throws -> [String] {
        let result = try await runProcess(try await PHPClient.executable(), [script, base, mode])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// Starts `fakepbx` with `arguments` and returns it with its HTTP port and its banner, read up
    /// to the line that starts with `last`.
    static func serve(_ arguments: [String], last: String = "  policies:") async throws -> (LaunchedProcess, Int, [String]) {
        let process = try await LaunchedProcess(try fakepbxExecutable(), ["serve", "--port", "0"] + arguments)
        let banner =
            try await waitFor(timeout: .seconds(60), { process.output }, until: { $0.contains { $0.hasPrefix(last) } || !process.isRunning }) ?? []
        let port = try #require(banner.first.flatMap(bannerPort), "\(banner) \(process.standardError)")
        if !arguments.contains("--bundle") {
            let frozen = try await RawHTTPClient.request(port: port, path: "/__fakepbx/clock/freeze", body: "")
            #expect(frozen.status == 200, "\(frozen.text)")
        }
        return (process, port, banner)
    }

    /// The shape every failing night has: answered, then rate limited, then reset at the request
    /// after the 20th (the one that filled the jail was still answered).
    static func expectBanned(_ night: [String], _ comment: Comment) {
        #expect(night.count == 21, comment)
        #expect(night.first == "200", comment)
        #expect(night.contains("429"), comment)
        #expect(night.last == "curl 56", comment)
        #expect(night.dropLast().allSatisfy { $0 == "200" || $0 == "429" }, comment)
    }

    @Test func recordedBundledReproducedAndTheFixShownToWork() async throws {
        try await withTemporaryDirectory { dir in
            let script = dir.appendingPathComponent("night.php").path
            try Self.nightRun.write(toFile: script, atomically: true, encoding: .utf8)
            // The customer's PBX: CDR exports limited to 5 every 2 seconds, and fail2ban's nginx-dos
            // jail banning (with a reset) an address that sends 20 requests within a minute.
            let scenario = dir.appendingPathComponent("night-run.yaml").path
            try FileManager.default.copyItem(atPath: repositoryFile("scenarios/night-run.yaml").path, toPath: scenario)

            // Directly against the customer's PBX.
            let (direct, directPort, _) = try await Self.serve(["--scenario", scenario])
            defer { direct.signal(SIGTERM) }
            let directNight = try await Self.run("naive", against: "http://127.0.0.1:\(directPort)", script: script)
            Self.expectBanned(directNight, "directly: \(directNight)")

            // Behind the recorder, against a PBX in the same state: the same failure, a reset as a reset.
            let (upstream, upstreamPort, _) = try await Self.serve(["--scenario", scenario])
            defer { upstream.signal(SIGTERM) }
            let cassette = dir.appendingPathComponent("night.json").path
            let recorderPortFile = dir.appendingPathComponent("recorder.port").path
            let recorder = try await LaunchedProcess(
                try fakepbxExecutable(),
                ["record", "--upstream", "http://127.0.0.1:\(upstreamPort)", "--out", cassette, "--port", "0", "--port-file", recorderPortFile])
            defer { recorder.signal(SIGTERM) }
            _ = try await recorder.waitForLines(1)
            let recorderPort = try #require(
                Int(try String(contentsOfFile: recorderPortFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            let recordedNight = try await Self.run("naive", against: "http://127.0.0.1:\(recorderPort)", script: script)
            Self.expectBanned(recordedNight, "behind the recorder: \(recordedNight)")
            let recorded = try await waitFor(
                timeout: .seconds(60), { (try? Cassette.load(contentsOf: cassette))?.exchanges.count ?? 0 }, until: { $0 >= 21 })
            #expect(recorded == 21)
            recorder.signal(SIGTERM)
            _ = try await recorder.waitForExit(timeout: .seconds(30))
            let exchanges = try Cassette.load(contentsOf: cassette).exchanges
            #expect(exchanges.last?.outcome == .reset, "\(recorder.standardError)")
            #expect(exchanges.dropLast().map { String($0.response?.status ?? 0) } == recordedNight.dropLast().map { $0 })

            // The bundle, alone in another folder.
            let bundle = dir.appendingPathComponent("NIGHT-1.fakepbx.json").path
            let created = try await runProcess(
                try fakepbxExecutable(),
                ["bundle", "create", "--out", bundle, "--cassette", cassette, "--scenario", scenario, "--description", "CDR import banned at night"])
            #expect(created.status == 0, "\(created.stderr)")
            try await withTemporaryDirectory { elsewhere in
                let moved = elsewhere.appendingPathComponent("NIGHT-1.fakepbx.json").path
                try FileManager.default.moveItem(atPath: bundle, toPath: moved)
                try FileManager.default.removeItem(atPath: cassette)
                try FileManager.default.removeItem(atPath: scenario)

                // Reproduced as recorded (answers, the default): the same sequence, reset included.
                let (answers, answersPort, banner) = try await Self.serve(["--bundle", moved], last: "  clock:")
                defer { answers.signal(SIGTERM) }
                let text = banner.joined(separator: "\n")
                #expect(text.contains("bundle: \(moved)"), "\(text)")
                #expect(text.contains("mode answers"), "\(text)")
                #expect(text.contains("scenarios: night-run"), "\(text)")
                #expect(text.contains("clock: started at"), "\(text)")
                let reproduced = try await Self.run("naive", against: "http://127.0.0.1:\(answersPort)", script: script)
                #expect(reproduced == recordedNight)

                // The fixed module against the recording as it was: it still sees the recorded 429s and fails.
                let (answersAgain, againPort, _) = try await Self.serve(["--bundle", moved, "--bundle-clock", "frozen"])
                defer { answersAgain.signal(SIGTERM) }
                let fixedOnRecording = try await Self.run("fixed", against: "http://127.0.0.1:\(againPort)", script: script)
                #expect(fixedOnRecording.last == "gave up", "\(fixedOnRecording)")

                // With the bundle's policies deciding: it waits as told, is never banned, and finishes.
                let (policies, policiesPort, policiesBanner) = try await Self.serve(
                    ["--bundle", moved, "--replay-mode", "policies", "--bundle-clock", "frozen"], last: "  clock:")
                defer { policies.signal(SIGTERM) }
                #expect(policiesBanner.joined(separator: "\n").contains("mode policies"))
                let fixed = try await Self.run("fixed", against: "http://127.0.0.1:\(policiesPort)", script: script)
                #expect(fixed.last == "done", "\(fixed)")
                #expect(fixed.filter { $0 == "200" }.count == 12, "\(fixed)")
                #expect(!fixed.contains { $0.hasPrefix("curl") }, "\(fixed)")
            }
        }
    }
}

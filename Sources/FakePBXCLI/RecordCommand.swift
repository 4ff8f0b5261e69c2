import ArgumentParser
import ContractKit
import FakePBX
import Foundation
import JSONSchema
import Logging
import NIOCore

struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record a real PBX through a reverse proxy, secrets redacted, into a cassette.",
        discussion: """
            Point the billing client at the proxy instead of the PBX. Every request goes to the upstream and \
            its answer streams back unchanged. Each exchange is appended to the cassette just after its \
            answer's last byte, in one write after which the file is a valid cassette (an existing cassette is \
            continued), and 'recorded N exchanges' goes to stderr. Passwords, API keys, access hashes, \
            Authorization headers, cookies and session tokens become stable placeholders before anything \
            reaches disk. Stop with Ctrl-C, which waits for an exchange being written.
            """
    )

    @Option(help: "The real server, e.g. https://pbx.example.com.") var upstream: String
    @Option(help: "The cassette to write, e.g. Recordings/staging.json.") var out: String
    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(parsing: .unconditional, help: "Port to listen on; 0 picks a free one.") var port: Int = 8081
    @Option(help: "Write the bound port to this file once listening.") var portFile: String?
    @OptionGroup(title: "Upstream TLS") var upstreamTLS: ClientTLSOptions
    @Flag(help: "Also replace phone numbers, IP addresses and domains with consistent, format-preserving stand-ins.")
    var pseudonymize = false
    @Option(help: "A field or header to keep unredacted (repeatable).") var keep: [String] = []
    @Option(help: "The least severe log messages written.") var logLevel: Logger.Level = .warning
    @Option(help: "Seconds to wait for the upstream's answer before the exchange is recorded as a timeout (and the client's connection closed).")
    var upstreamTimeout: Double = 120

    func validate() throws {
        // Replay holds a recorded timeout for at most 600 s.
        guard upstreamTimeout.isFinite, (0.1...600).contains(upstreamTimeout) else {
            throw ValidationError("--upstream-timeout: expected seconds from 0.1 to 600")
        }
    }

    func run() async throws {
        var configuration = RecordingConfiguration(upstream: upstream, output: out)
        configuration.host = host
        configuration.port = port
        configuration.portFile = portFile
        configuration.trust = upstreamTLS.trust
        configuration.pseudonymize = pseudonymize
        configuration.keep = keep
        configuration.upstreamTimeout = upstreamTimeout
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "fakepbx-record")
        let target = upstream
        let output = out
        do {
            try await record(
                configuration: configuration, logger: logger,
                onListening: { info in
                    FileHandle.standardOutput.write(Data("fakepbx recording on \(info.url) -> \(target), into \(output)\n".utf8))
                },
                onRecorded: { count, exchange in
                    // The status, and how the connection ended when no whole answer came.
                    let status = [exchange.response.map { String($0.status) }, exchange.outcome?.rawValue].compactMap { $0 }.joined(separator: " ")
                    FileHandle.standardError.write(
                        Data("recorded \(count) exchanges; last: \(exchange.request.method) \(exchange.request.path) \(status)\n".utf8))
                }
            )
        } catch let error as IOError {
            throw Stopped("fakepbx record stopped: \(CommandFailure.describe(error)) (\(host) port \(port))")
        }
    }
}

struct RecordingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recording",
        abstract: "Work with recorded cassettes.",
        subcommands: [Scan.self, Export.self, Import.self]
    )

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write a cassette as HAR 1.2, for browser tools, Charles, Fiddler or mitmproxy."
        )

        @Flag(help: "Write HAR 1.2 (the only export format).") var har = false
        @Argument(help: "The cassette.") var cassette: String
        @Option(name: .shortAndLong, help: "Where to write it (standard output by default).") var out: String?

        func validate() throws {
            if !har { throw ValidationError("say which format to export: --har") }
        }

        func run() throws {
            let bytes = try Cassette.load(contentsOf: cassette).har.fileBytes
            guard let out else { return FileHandle.standardOutput.write(Data(bytes)) }
            try AtomicFile.write(bytes, to: out)
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Turn a HAR (from a browser or a proxy) into a cassette for serve --replay and contract check.",
            discussion: "Secrets are redacted as fakepbx record redacts them, unless kept with --keep."
        )

        @Argument(help: "The HAR file.") var file: String
        @Option(name: .shortAndLong, help: "The cassette to write.") var out: String
        @Option(help: "A field to keep as it is (repeatable), as with fakepbx record.") var keep: [String] = []

        func run() throws {
            var cassette = try Cassette.load(har: file)
            let redactor = Redactor(keep: Set(keep))
            cassette.exchanges = cassette.exchanges.map(redactor.redact)
            try cassette.write(to: out)
            print("\(out): \(cassette.exchanges.count) exchanges from \(file), secrets redacted")
        }
    }

    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scan",
            abstract: "Fail when a secret survives in a cassette (exit 0 clean, 1 secrets found, 2 unreadable)."
        )

        @Argument(help: "Cassette files.") var files: [String]

        func run() throws {
            var found = false
            for file in files {
                let cassette: Cassette
                cassette = try Cassette.load(contentsOf: file)
                let findings = SecretScanner.scan(cassette)
                if findings.isEmpty {
                    print("\(file): clean (\(cassette.exchanges.count) exchanges)")
                } else {
                    found = true
                    for finding in findings { print("\(file)#\(finding)") }
                }
            }
            if found { throw ExitCode.failure }
        }
    }
}

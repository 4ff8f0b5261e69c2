import ContractKit
import FakePBX
import Foundation
import JSONSchema
import TestSupport
import Testing

/// Cassettes as HAR 1.2 and back: what `fakepbx recording export --har` and `recording import` do.
@Suite("HAR")
struct HARTests {
    /// HAR 1.2's required members, as a JSON Schema (Fixtures/har-1.2.schema.json), with `format`
    /// asserted, checked with the project's own validator.
    static func harValidator() throws -> Validator {
        let schema = try JSONParser.parse(Array(try Data(contentsOf: repositoryFile("Tests/ContractKitTests/Fixtures/har-1.2.schema.json"))))
        return try Validator(schema: schema, formatAssertion: true)
    }

    @Test("the documentation's cassette written as HAR is valid HAR 1.2, and reads back as the same exchanges")
    func roundTrip() throws {
        let cassette = try Cassette.load(contentsOf: repositoryFile("Recordings/ictvoip-docs.json").path)
        let har = cassette.har
        let result = try Self.harValidator().validate(har)
        #expect(result.isValid, "\(result.errors.prefix(5))")
        #expect(har["log"]?["entries"]?.arrayValue?.count == cassette.exchanges.count)
        let back = try Cassette(har: JSONParser.parse(Array(har.fileBytes)), file: "docs.har")
        #expect(back.exchanges.count == cassette.exchanges.count)
        for (original, read) in zip(cassette.exchanges, back.exchanges) {
            #expect(read.name == original.name)
            #expect(read.request == original.request, "\(original.name)")
            #expect(read.response == original.response, "\(original.name)")
        }
    }

    @Test("a connection that ended without an answer is written as a browser writes it (status 0, _error) and read back as the same outcome")
    func connectionOutcomes() throws {
        let request = ExchangeRequest(method: "POST", path: "/app/xml_cdr/export_cdr.php", form: ["date_start": "2026-11-01"])
        let timing = Exchange.Timing(startedAt: "2026-11-23T02:00:00Z", durationMilliseconds: 1200)
        let cassette = Cassette(
            name: "night",
            exchanges: ConnectionOutcome.allCases.map { outcome in
                Exchange(
                    name: outcome.rawValue, request: request,
                    response: outcome == .brokeOff ? ExchangeResponse(status: 200, headers: ["content-type": "text/csv"], body: .text("uuid,")) : nil,
                    outcome: outcome, timing: timing)
            })
        let har = cassette.har
        let result = try Self.harValidator().validate(har)
        #expect(result.isValid, "\(result.errors.prefix(5))")
        let errors = har["log"]?["entries"]?.arrayValue?.map { $0["response"]?["_error"]?.stringValue }
        #expect(errors == ConnectionOutcome.allCases.map(\.harError))
        let back = try Cassette(har: JSONParser.parse(Array(har.fileBytes)), file: "night.har")
        #expect(back.exchanges.map(\.outcome) == ConnectionOutcome.allCases.map { $0 })
        // And through a cassette file.
        let reread = try Cassette(JSONParser.parse(Array(cassette.json.fileBytes)), file: "night.json")
        #expect(reread.exchanges.map(\.outcome) == ConnectionOutcome.allCases.map { $0 })
        // Playwright's name for the same thing, and an answered exchange that names an outcome is refused.
        #expect(ConnectionOutcome(harError: "net::ERR_CONNECTION_RESET") == .reset)
        var document = cassette.json
        if case .object(var root) = document, case .array(var exchanges)? = root["exchanges"], case .object(var first) = exchanges[0] {
            first["response"] = ["status": 200]
            exchanges[0] = .object(first)
            root["exchanges"] = .array(exchanges)
            document = .object(root)
        }
        #expect(throws: ContractError.self) { try Cassette(document, file: "bad.json") }
    }

    @Test("a HAR from a browser: pseudo-headers dropped, a JSON or urlencoded body read as the form, base64 content decoded, no answer kept as none")
    func browserHAR() throws {
        let har: JSONValue = [
            "log": [
                "version": "1.2", "creator": ["name": "Chromium", "version": "156"],
                "entries": [
                    [
                        "startedDateTime": "2026-11-23T12:00:00.125+01:00", "time": 12.5, "cache": [:],
                        "timings": ["send": 1, "wait": 10, "receive": 1.5],
                        "request": [
                            "method": "POST", "url": "https://pbx.example.com/app/status/index.php?verbose=1", "httpVersion": "h2", "cookies": [],
                            "headers": [["name": ":authority", "value": "pbx.example.com"], ["name": "Content-Type", "value": "application/json"]],
                            "queryString": [["name": "verbose", "value": "1"]], "headersSize": -1, "bodySize": 40,
                            "postData": ["mimeType": "application/json", "text": #"{"username":"admin","password":"x","n":5}"#],
                        ],
                        "response": [
                            "status": 200, "statusText": "OK", "httpVersion": "h2", "cookies": [], "redirectURL": "", "headersSize": -1,
                            "bodySize": 16,
                            "headers": [["name": "Content-Type", "value": "application/json"]],
                            "content": ["size": 16, "mimeType": "application/json", "encoding": "base64", "text": "eyJzdGF0dXMiOiJvayJ9"],
                        ],
                    ],
                    [
                        "startedDateTime": "2026-11-23T12:00:01Z", "time": 0, "cache": [:], "timings": ["send": 0, "wait": 0, "receive": 0],
                        "request": [
                            "method": "GET", "url": "https://pbx.example.com/app/xml_cdr/chkcon.php", "httpVersion": "HTTP/1.1", "cookies": [],
                            "headers": [], "queryString": [], "headersSize": -1, "bodySize": 0,
                        ],
                        "response": [
                            "status": 0, "statusText": "", "httpVersion": "", "cookies": [], "headers": [], "redirectURL": "", "headersSize": -1,
                            "bodySize": 0,
                            "content": ["size": 0, "mimeType": ""],
                        ],
                    ],
                ],
            ]
        ]
        #expect(try Self.harValidator().validate(har).isValid)
        let cassette = try Cassette(har: har, file: "/tmp/browser.har")
        let first = try #require(cassette.exchanges.first)
        #expect(first.request.path == "/app/status/index.php" && first.request.query == "verbose=1")
        #expect(first.request.headers == ["content-type": "application/json"])
        #expect(first.request.form == ["username": "admin", "password": "x", "n": "5"])
        #expect(first.response == ExchangeResponse(status: 200, headers: ["content-type": "application/json"], body: .json(["status": "ok"])))
        #expect(cassette.exchanges.last?.response == nil)
        #expect(cassette.name == "browser")
    }

    /// One POST entry whose body is `text` of `mimeType`, sent with `contentType`.
    static func post(mimeType: String, contentType: String, text: String) -> JSONValue {
        [
            "log": [
                "version": "1.2", "creator": ["name": "Chromium", "version": "156"],
                "entries": [
                    [
                        "startedDateTime": "2026-11-23T12:00:00Z", "time": 3, "cache": [:], "timings": ["send": 1, "wait": 1, "receive": 1],
                        "request": [
                            "method": "POST", "url": "https://pbx.example.com/app/status/index.php", "httpVersion": "HTTP/1.1", "cookies": [],
                            "headers": [["name": "Content-Type", "value": .string(contentType)]], "queryString": [], "headersSize": -1,
                            "bodySize": .int(text.utf8.count), "postData": ["mimeType": .string(mimeType), "text": .string(text)],
                        ],
                        "response": [
                            "status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "cookies": [], "redirectURL": "", "headersSize": -1,
                            "bodySize": 0, "headers": [], "content": ["size": 0, "mimeType": ""],
                        ],
                    ]
                ],
            ]
        ]
    }

    @Test("a browser's FormData body is read by its boundary, from the MIME type or the request's header, and its password redacted")
    func multipartHAR() throws {
        let boundary = "----WebKitFormBoundaryQ7zJ2kLmN4pR8sTv"
        let text = [
            "--\(boundary)", #"Content-Disposition: form-data; name="username""#, "", "admin",
            "--\(boundary)", #"Content-Disposition: form-data; name="password""#, "", "hunter2-plain",
            "--\(boundary)--", "",
        ].joined(separator: "\r\n")
        let header = "multipart/form-data; boundary=\(boundary)"
        for mimeType in [header, "multipart/form-data"] {
            let cassette = try Cassette(har: Self.post(mimeType: mimeType, contentType: header, text: text), file: "/tmp/formdata.har")
            #expect(cassette.exchanges.first?.request.form == ["username": "admin", "password": "hunter2-plain"], "\(mimeType)")
            let redacted = Cassette(name: "formdata", exchanges: cassette.exchanges.map(Redactor().redact))
            #expect(!String(decoding: redacted.json.serializedBytes(.pretty), as: UTF8.self).contains("hunter2"))
            #expect(SecretScanner.scan(redacted).isEmpty)
        }
        // A cassette written before, with the body read as urlencoded: the field is named by the
        // boundary and holds the whole body. Scan finds the password in it, and redaction takes it out.
        let misread = Exchange(
            name: "old import", request: ExchangeRequest(method: "POST", path: "/app/status/index.php", form: FormEncoding.decode(text)),
            response: nil)
        #expect(misread.request.form.keys.contains { $0.hasPrefix("--\(boundary)") }, "\(misread.request.form)")
        let old = Cassette(name: "old", exchanges: [misread])
        #expect(SecretScanner.scan(old).contains { $0.message.contains("multipart field 'password'") }, "\(SecretScanner.scan(old))")
        let cleaned = Cassette(name: "old", exchanges: old.exchanges.map(Redactor().redact))
        #expect(!String(decoding: cleaned.json.serializedBytes(.pretty), as: UTF8.self).contains("hunter2"))
        #expect(SecretScanner.scan(cleaned).isEmpty)

        // A multipart body whose boundary is nowhere is refused, not read as urlencoded.
        let unknown = #expect(throws: ContractError.self) {
            try Cassette(har: Self.post(mimeType: "multipart/form-data", contentType: "multipart/form-data", text: text), file: "b.har")
        }
        #expect(unknown?.description.contains("/log/entries/0/request/postData") == true, "\(String(describing: unknown))")
    }

    @Test("each request's body is written in the type it was sent as, and reads back as the same form; the reason phrase is written")
    func postDataByType() throws {
        let form = ["username": "admin", "password": "x", "action": "list"]
        let types = [
            "application/x-www-form-urlencoded", "application/json", "multipart/form-data; boundary=----WebKitFormBoundaryA1b2C3", "text/plain",
        ]
        let cassette = Cassette(
            name: "types",
            exchanges: types.map { type in
                Exchange(
                    name: type,
                    request: ExchangeRequest(method: "POST", path: "/app/domains/manage_domain.php", headers: ["content-type": type], form: form),
                    response: ExchangeResponse(status: 429, headers: ["content-type": "application/json"], body: .json(["status": "error"])))
            })
        let har = cassette.har
        #expect(try Self.harValidator().validate(har).isValid)
        let entries = try #require(har["log"]?["entries"]?.arrayValue)
        let posts = entries.map { $0["request"]?["postData"] }
        #expect(posts.map { $0?["mimeType"]?.stringValue } == types.prefix(3) + ["application/x-www-form-urlencoded"])
        #expect(
            posts[1]?["text"].flatMap { try? JSONParser.parse($0.stringValue ?? "") } == ["action": "list", "password": "x", "username": "admin"])
        #expect(
            posts[2]?["text"]?.stringValue?.hasPrefix("------WebKitFormBoundaryA1b2C3\r\nContent-Disposition: form-data; name=\"action\"") == true)
        #expect(entries.allSatisfy { $0["response"]?["statusText"] == "Too Many Requests" })
        let back = try Cassette(har: har, file: "/tmp/types.har")
        #expect(back.exchanges.map(\.request.form) == Array(repeating: form, count: types.count))
    }

    @Test("a bad HAR is refused with the JSON pointer of the problem")
    func badHAR() throws {
        let missing: JSONValue = ["log": ["version": "1.2", "entries": [["startedDateTime": "x", "time": 1, "request": ["method": "GET"]]]]]
        let error = #expect(throws: ContractError.self) { try Cassette(har: missing, file: "bad.har") }
        #expect(error?.description.contains("/log/entries/0/request") == true, "\(String(describing: error))")
        // A URL a cassette cannot replay is refused at import, naming the entry, not written for every other command to refuse.
        for url in ["javascript:alert(1)", "../../etc/passwd", "https://pbx.example.com/app/../../etc/passwd", "data:text/plain,x"] {
            var har = Self.post(mimeType: "application/x-www-form-urlencoded", contentType: "application/x-www-form-urlencoded", text: "a=1")
            guard case .object(var log) = har["log"]!, case .array(var entries) = log["entries"]!, case .object(var entry) = entries[0],
                case .object(var request) = entry["request"]!
            else {
                Issue.record("the fixture changed")
                return
            }
            request["url"] = .string(url)
            entry["request"] = .object(request)
            entries[0] = .object(entry)
            log["entries"] = .array(entries)
            har = ["log": .object(log)]
            let refused = #expect(throws: ContractError.self) { try Cassette(har: har, file: "odd.har") }
            #expect(refused?.description.contains("/log/entries/0/request/url") == true, "\(url): \(String(describing: refused))")
        }
        let version: JSONValue = ["log": ["version": "2.0", "entries": []]]
        let wrong = #expect(throws: ContractError.self) { try Cassette(har: version, file: "v.har") }
        #expect(wrong?.description.contains("HAR version '2.0'") == true, "\(String(describing: wrong))")
    }
}

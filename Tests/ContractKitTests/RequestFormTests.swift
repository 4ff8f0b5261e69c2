import ContractKit
import Foundation
import Synchronization
import Testing

/// Request bodies read as PHP reads them: every encoding gives the same fields.
@Suite("Request fields as PHP reads them")
struct RequestFormTests {
    /// A multipart body as PHP's curl writes it for an array of fields.
    func multipart(_ parts: [(String, String)], boundary: String = "------------------------d74496d66958873e") -> [UInt8] {
        var body = ""
        for (name, value) in parts {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)--\r\n"
        return Array(body.utf8)
    }

    @Test("multipart, urlencoded and JSON give the same fields")
    func sameFieldsWhateverTheEncoding() throws {
        let expected = ["username": "admin", "password": "p&ss=w rd", "extension": "1001", "note": "café"]
        let boundary = "------------------------d74496d66958873e"
        let fromMultipart = try RequestForm.fields(
            query: "", body: multipart(expected.sorted { $0.key < $1.key }), contentType: "multipart/form-data; boundary=\(boundary)"
        )
        let fromURLEncoded = try RequestForm.fields(
            query: "", body: Array("username=admin&password=p%26ss%3Dw+rd&extension=1001&note=caf%C3%A9".utf8),
            contentType: "application/x-www-form-urlencoded"
        )
        let fromJSON = try RequestForm.fields(
            query: "", body: Array(#"{"username":"admin","password":"p&ss=w rd","extension":"1001","note":"café"}"#.utf8),
            contentType: "application/json; charset=utf-8"
        )
        #expect(fromMultipart == expected)
        #expect(fromURLEncoded == expected)
        #expect(fromJSON == expected)
        // Form fields are text: a JSON body says so, as the contracts do, instead of converting.
        for (json, message) in [
            (#"{"key": 5}"#, "JSON parameter 'key' must be a string (as a form field is), not a number; write \"5\" or leave it out"),
            (#"{"enabled": null}"#, "JSON parameter 'enabled' must be a string (as a form field is), not null; write it as text or leave it out"),
            (#"{"a": [1]}"#, "JSON parameter 'a' must be a string (as a form field is), not an array; write it as text or leave it out"),
        ] {
            #expect(throws: RequestForm.Failure(message)) {
                try RequestForm.fields(query: "", body: Array(json.utf8), contentType: "application/json")
            }
        }
    }

    @Test("multipart with no fields: the close delimiter alone is an empty form, as PHP reads it")
    func emptyMultipart() throws {
        for body in ["--b0--\r\n", "--b0--"] {
            #expect(try RequestForm.fields(query: "", body: Array(body.utf8), contentType: "multipart/form-data; boundary=b0") == [:])
        }
        #expect(throws: RequestForm.Failure.self) {
            try RequestForm.fields(query: "", body: Array("--b1--\r\n".utf8), contentType: "multipart/form-data; boundary=b0")
        }
    }

    @Test("multipart: a quoted boundary, file parts left out (PHP's $_FILES), a part's charset, and clear errors")
    func multipartDetails() throws {
        let body = Array(
            ("--abc\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
                + "--abc\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"cdr.csv\"\r\nContent-Type: text/csv\r\n\r\nx,y\r\n"
                + "--abc--\r\n").utf8)
        #expect(try RequestForm.fields(query: "", body: body, contentType: "multipart/form-data; boundary=\"abc\"") == ["a": "1"])
        let latin =
            [UInt8]("--b\r\nContent-Disposition: form-data; name=\"n\"\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\n".utf8)
            + [0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72] + Array("\r\n--b--\r\n".utf8)
        #expect(try RequestForm.fields(query: "", body: latin, contentType: "multipart/form-data; boundary=b") == ["n": "Müller"])

        #expect(throws: RequestForm.Failure.self) { try RequestForm.fields(query: "", body: body, contentType: "multipart/form-data") }
        do {
            _ = try RequestForm.fields(
                query: "", body: Array("--abc\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1".utf8),
                contentType: "multipart/form-data; boundary=abc")
            Issue.record("a body cut before its closing boundary was accepted")
        } catch {
            #expect(error.message.contains("malformed multipart/form-data body"), "\(error.message)")
        }
        do {
            _ = try RequestForm.fields(query: "", body: body, contentType: "multipart/form-data")
        } catch {
            #expect(
                error.message == "malformed multipart/form-data body: the Content-Type names no boundary (expected multipart/form-data; boundary=...)"
            )
        }
    }

    /// 200,000 `a[]=v` pairs: linear, a fraction of a second; the quadratic copy this once made
    /// (each insert copied the whole array) ran for minutes. Parsed on a worker, so that a slow
    /// parse fails the test at the bound instead of holding the test run.
    @Test("200,000 appended array members are read in linear time")
    func manyArrayMembersInLinearTime() throws {
        let count = 200_000
        let body = Array(Array(repeating: "a%5B%5D=v", count: count).joined(separator: "&").utf8)
        let result = Mutex<[String: String]?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            let fields = try? RequestForm.fields(query: "", body: body, contentType: nil)
            result.withLock { $0 = fields }
            done.signal()
        }.start()
        try #require(done.wait(timeout: .now() + 60) == .success, "200,000 pairs not read within 60 s: parsing is not linear")
        let fields = try #require(result.withLock { $0 })
        #expect(fields.count == count)
        #expect(fields["a[0]"] == "v" && fields["a[\(count - 1)]"] == "v")
    }

    @Test("PHP's array syntax, dots in names, and $_REQUEST's merge (the body wins by top-level name)")
    func phpNames() throws {
        let pairs = try RequestForm.queryPairs("a[]=1&a[]=2&b[k]=v&b[x][y]=z&c=1&c[]=2&d.e=3&f g=4&a[5]=six&a[]=seven")
        #expect(
            RequestForm.fields(pairs) == [
                "a[0]": "1", "a[1]": "2", "a[5]": "six", "a[6]": "seven", "b[k]": "v", "b[x][y]": "z", "c[0]": "2", "d_e": "3", "f_g": "4",
            ])
        let merged = try RequestForm.fields(
            query: "ext[]=1&ext[]=2&domain_name=q.example&keep=1", body: Array("ext[]=9&domain_name=b.example".utf8), contentType: nil)
        #expect(merged == ["ext[0]": "9", "domain_name": "b.example", "keep": "1"])
    }

    @Test("urlencoded in the charset the Content-Type names; bytes that are not UTF-8 are read, not refused")
    func charsets() throws {
        #expect(
            try RequestForm.fields(query: "", body: Array("name=M%FCller".utf8), contentType: "application/x-www-form-urlencoded; charset=ISO-8859-1")
                == ["name": "Müller"])
        #expect(
            try RequestForm.fields(query: "", body: Array("p=%80".utf8), contentType: "application/x-www-form-urlencoded; charset=windows-1252") == [
                "p": "€"
            ])
        #expect(
            try RequestForm.fields(query: "", body: Array("name=M%C3%BCller".utf8), contentType: "application/x-www-form-urlencoded; charset=UTF-8")
                == ["name": "Müller"])
        #expect(try RequestForm.fields(query: "", body: Array("name=M%FCller".utf8), contentType: nil) == ["name": "Müller"])
        do {
            _ = try RequestForm.fields(query: "", body: Array("a=1".utf8), contentType: "application/x-www-form-urlencoded; charset=koi8-r")
            Issue.record("an unknown charset was accepted")
        } catch {
            #expect(error.message == "unsupported charset 'koi8-r' in the Content-Type; send utf-8, iso-8859-1 or windows-1252")
        }
        do {
            _ = try RequestForm.fields(query: "x=%zz", body: [], contentType: nil)
            Issue.record("a bad escape was accepted")
        } catch {
            #expect(error.message == "malformed query string: bad percent-encoding in 'x=%zz'")
        }
    }
}

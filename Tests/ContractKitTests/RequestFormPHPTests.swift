import ContractKit
import Foundation
import TestSupport
import Testing

/// `RequestForm` with ``RequestForm/Reading/php`` against PHP itself: each body is posted to PHP's
/// built-in server (`php -S`, which fills `$_POST` with the same code as PHP-FPM), whose script
/// prints `$_POST` flattened the way fakepbx flattens it.
@Suite struct RequestFormPHPTests {
    static let script = #"""
        <?php
        function flat($value, $prefix, &$out) {
            if (!is_array($value)) { $out[$prefix] = $value; return; }
            foreach ($value as $key => $member) { flat($member, $prefix === null ? (string)$key : "{$prefix}[{$key}]", $out); }
        }
        $out = [];
        flat($_POST, null, $out);
        header('Content-Type: application/json');
        echo json_encode((object)$out);
        """#

    static func multipart(_ count: Int) -> [UInt8] {
        var body = ""
        for index in 0..<count { body += "--b0\r\nContent-Disposition: form-data; name=\"m\(index)\"\r\n\r\nv\r\n" }
        return Array((body + "--b0--\r\n").utf8)
    }

    static let cases: [(body: [UInt8], contentType: String?)] = [
        (Array((0..<2000).map { "f\($0)=v" }.joined(separator: "&").utf8), "application/x-www-form-urlencoded"),
        (multipart(1500), "multipart/form-data; boundary=b0"),
        (Array("a=1&b=2".utf8), "text/plain"),
        (Array("a=1&b=2".utf8), nil),
        (Array(#"{"a":"1"}"#.utf8), "application/json"),
        (Array("a=1&b=2".utf8), "Application/X-WWW-Form-Urlencoded"),
        (Array("a=1&b=2".utf8), "application/x-www-form-urlencoded,x"),
        (Array("a=1&b=2".utf8), "application/x-www-form-urlencoded ; charset=UTF-8"),
        (Array("a=1&b=2".utf8), "application/x-www-form-urlencodedx"),
        (Array(("a" + String(repeating: "[x]", count: 64) + "=1&b=2").utf8), "application/x-www-form-urlencoded"),
        (Array(("a[y]=3&a" + String(repeating: "[x]", count: 65) + "=1&b=2").utf8), "application/x-www-form-urlencoded"),
        (Array(("a" + String(repeating: "[x]", count: 70) + "=1&a[y]=3").utf8), "application/x-www-form-urlencoded"),
        (Array("a[]=1&a[]=2&a[k]=v&c.d=1&e f=2".utf8), "application/x-www-form-urlencoded"),
    ]

    @Test func phpReadsWhatRequestFormReads() async throws {
        let php = try await PHPClient.executable()
        try await withTemporaryDirectory { folder in
            try Data(Self.script.utf8).write(to: folder.appendingPathComponent("index.php"))
            let server = try await LaunchedProcess(php, ["-d", "display_errors=0", "-S", "127.0.0.1:0", "-t", folder.path])
            defer { server.signal(SIGTERM) }
            let banner = try await waitFor(timeout: .seconds(60), { server.standardError }, until: { $0.contains("started") })
            let port = try #require(banner?.firstMatch(of: #/127\.0\.0\.1:(\d+)\)/#).flatMap { Int($0.1) }, "php -S said: \(banner ?? "")")
            for (body, contentType) in Self.cases {
                let answer = try await RawHTTPClient.request(
                    port: port, path: "/index.php", body: String(decoding: body, as: UTF8.self), contentType: contentType)
                let fromPHP = try #require(try answer.json() as? [String: String], "\(answer.text.prefix(300))")
                let read = try RequestForm.bodyRead(body, contentType: contentType, reading: .php)
                let ours = RequestForm.fields(read.pairs)
                #expect(ours == fromPHP, "\(contentType ?? "no Content-Type"), \(body.count) bytes: PHP read \(fromPHP.count), fakepbx \(ours.count)")
            }
        }
    }
}

import Foundation

/// A billing client written the way WHMCS modules are: PHP's curl extension, certificate checks on
/// (PHP's defaults), POST fields as a PHP array (curl sends multipart/form-data) or through
/// `http_build_query` (urlencoded), credentials as form fields, HTTP Basic or an API key.
///
/// Each call runs `php` on a script; the script prints one JSON object per request:
/// `{"errno": 0, "error": "", "status": 200, "seconds": 0.01, "body": "…", "sent_expect": true}`.
public enum PHPClient {
    /// One request as the script sends it.
    public struct Call: Sendable {
        /// How the fields are sent: an array (multipart), `http_build_query` (urlencoded), or the
        /// `http_build_query` string with `Content-Type: text/plain` (a body PHP does not read).
        public enum Encoding: String, Sendable {
            case multipart, urlencoded
            case textPlain = "text"
        }
        public enum Auth: Sendable { case form, basic, apiKey, none }

        public var url: String
        public var fields: [String: String]
        public var encoding: Encoding = .multipart
        public var auth: Auth = .form
        public var caFile: String?
        public var clientCertificate: (certificate: String, key: String)? = nil
        /// A bound against a hang (curl's whole transfer); a test that expects a timeout sets its own.
        public var timeout: Double = 60
        public var tlsMaxVersion12 = false
        /// Extra request headers (`CURLOPT_HTTPHEADER`), such as `Expect: 100-continue`.
        public var headers: [String] = []

        public init(url: String, fields: [String: String] = [:], encoding: Encoding = .multipart, auth: Auth = .form, caFile: String? = nil) {
            self.url = url
            self.fields = fields
            self.encoding = encoding
            self.auth = auth
            self.caFile = caFile
        }
    }

    /// What PHP's curl reported.
    public struct Outcome: Sendable {
        public var errno: Int
        public var error: String
        public var status: Int
        public var seconds: Double
        public var body: String
        /// The status lines curl read, interim ones (`HTTP/1.1 100 Continue`) included, in order.
        public var statusLines: [String] = []

        public func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
                throw RawHTTPClient.Failure("the answer is not a JSON object: \(body.prefix(200))")
            }
            return object
        }
    }

    /// The API user and key of the default configuration.
    public static let username = "admin"
    public static let password = "your-password"
    public static let apiKey = "fakepbx-demo-api-key-0123456789abcdef"

    /// Sends `call` with PHP's curl.
    public static func send(_ call: Call) async throws -> Outcome {
        try await send([call])[0]
    }

    /// Sends the calls in order from one PHP process (one curl handle each, as a module does).
    public static func send(_ calls: [Call]) async throws -> [Outcome] {
        let php = try await executable()
        var requests: [[String: Any]] = []
        for call in calls {
            var fields = call.fields
            var request: [String: Any] = [
                "url": call.url, "encoding": call.encoding.rawValue, "timeout": call.timeout, "tls12": call.tlsMaxVersion12,
            ]
            switch call.auth {
            case .form:
                fields["username"] = fields["username"] ?? username
                fields["password"] = fields["password"] ?? password
            case .basic: request["userpwd"] = "\(username):\(password)"
            case .apiKey: request["headers"] = ["X-API-Key: \(apiKey)"] + call.headers
            case .none: break
            }
            if request["headers"] == nil, !call.headers.isEmpty { request["headers"] = call.headers }
            request["fields"] = fields
            if let ca = call.caFile { request["cainfo"] = ca }
            if let client = call.clientCertificate {
                request["sslcert"] = client.certificate
                request["sslkey"] = client.key
            }
            requests.append(request)
        }
        let input = try JSONSerialization.data(withJSONObject: requests)
        return try await withTemporaryDirectory { folder in
            let script = folder.appendingPathComponent("module.php")
            let data = folder.appendingPathComponent("calls.json")
            try Data(moduleScript.utf8).write(to: script)
            try input.write(to: data)
            let result = try await runProcess(php, [script.path, data.path])
            guard result.status == 0 else {
                throw RawHTTPClient.Failure("php exited \(result.status): \(result.stderr)\(result.stdout)")
            }
            return try result.stdout.split(separator: "\n").map { line in
                guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                    throw RawHTTPClient.Failure("php printed something else than a JSON object: \(line)")
                }
                return Outcome(
                    errno: object["errno"] as? Int ?? -1, error: object["error"] as? String ?? "", status: object["status"] as? Int ?? 0,
                    seconds: object["seconds"] as? Double ?? 0, body: object["body"] as? String ?? "",
                    statusLines: object["status_lines"] as? [String] ?? []
                )
            }
        }
    }

    /// The `php` program with the curl extension, or a failure saying how to install them. Looked
    /// for once per test run.
    public static func executable() async throws -> String {
        try await checkedExecutable.value
    }

    private static let checkedExecutable = Task<String, any Error> {
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/php" }
        guard let php = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw RawHTTPClient.Failure(
                "these tests run the billing client with PHP's curl, and no 'php' is on the PATH; install it: apt-get install php-cli php-curl (.ci/run does)"
            )
        }
        let modules = try await runProcess(php, ["-r", "exit(function_exists('curl_init') ? 0 : 3);"])
        guard modules.status == 0 else {
            throw RawHTTPClient.Failure("'\(php)' has no curl extension; install it: apt-get install php-curl (.ci/run does)")
        }
        return php
    }

    /// The module: one curl handle per call, PHP's defaults for certificate checks.
    static let moduleScript = #"""
        <?php
        $calls = json_decode(file_get_contents($argv[1]), true);
        foreach ($calls as $call) {
            $ch = curl_init($call['url']);
            $options = [
                CURLOPT_RETURNTRANSFER => true,
                CURLOPT_POST => true,
                CURLOPT_TIMEOUT => $call['timeout'],
                CURLOPT_CONNECTTIMEOUT => $call['timeout'],
                // PHP's defaults, spelled out as a careful module does.
                CURLOPT_SSL_VERIFYPEER => true,
                CURLOPT_SSL_VERIFYHOST => 2,
            ];
            // An array makes curl send multipart/form-data; http_build_query makes it urlencoded.
            $options[CURLOPT_POSTFIELDS] = $call['encoding'] === 'multipart' ? $call['fields'] : http_build_query($call['fields']);
            if (isset($call['cainfo'])) { $options[CURLOPT_CAINFO] = $call['cainfo']; }
            if (isset($call['userpwd'])) { $options[CURLOPT_USERPWD] = $call['userpwd']; }
            $headers = $call['headers'] ?? [];
            if ($call['encoding'] === 'text') { $headers[] = 'Content-Type: text/plain'; }
            if ($headers) { $options[CURLOPT_HTTPHEADER] = $headers; }
            if (isset($call['sslcert'])) { $options[CURLOPT_SSLCERT] = $call['sslcert']; $options[CURLOPT_SSLKEY] = $call['sslkey']; }
            if ($call['tls12']) { $options[CURLOPT_SSLVERSION] = CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_2; }
            curl_setopt_array($ch, $options);
            $statusLines = [];
            curl_setopt($ch, CURLOPT_HEADERFUNCTION, function ($ch, $line) use (&$statusLines) {
                if (strncmp($line, 'HTTP/', 5) === 0) { $statusLines[] = rtrim($line); }
                return strlen($line);
            });
            $started = microtime(true);
            $body = curl_exec($ch);
            echo json_encode([
                'errno' => curl_errno($ch),
                'error' => curl_error($ch),
                'status' => curl_getinfo($ch, CURLINFO_RESPONSE_CODE),
                'seconds' => microtime(true) - $started,
                'body' => $body === false ? '' : $body,
                'status_lines' => $statusLines,
            ]), "\n";
            curl_close($ch);
        }
        """#
}

import ContractKit
import FakePBX
import Foundation
import JSONSchema
import TestSupport
import Testing

/// Redaction by the shape of names and values, and `recording scan` by the very same rules.
@Suite("Secrets in recordings")
struct SecretRedactionTests {
    static let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ3aG1jcyJ9.c2lnbmF0dXJlLXZhbHVl"
    static let pem = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----"

    /// An exchange carrying planted secrets in every place a request or an answer can hold them,
    /// with the planted values.
    static func planted() -> (Exchange, [String]) {
        var secrets: [String] = []
        func secret(_ name: String) -> String {
            let value = "planted-\(name)-\(secrets.count)-Zq8"
            secrets.append(value)
            return value
        }
        let basic = Data("admin:planted-basic-pass".utf8).base64EncodedString()
        secrets += [basic, jwt, "AKIAIOSFODNN7EXAMPLE", "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg"]
        let headers: [String: String] = [
            "authorization": "Basic \(basic)", "x-auth-token": secret("xauth"), "x-secret": secret("xsecret"),
            "cookie": "PHPSESSID=\(secret("cookie"))",
            "x-api-key": secret("xapikey"), "proxy-authorization": "Bearer \(secret("proxyauth"))", "x-trace": "Bearer \(jwt)",
            "x-custom-signature": secret("sig"),
        ]
        let form: [String: String] = [
            "password": secret("password"), "sip_secret": secret("sipsecret"), "auth_token": secret("authtoken"),
            "client_secret": secret("clientsecret"), "passwd": secret("passwd"), "password[0]": secret("arraypassword"),
            "gateway_password": secret("gw"), "extension_password": secret("ext"), "voicemail_pin": secret("pin"), "api_key": secret("apikey"),
            "key": secret("key"), "access_hash": secret("hash"), "otp": secret("otp"), "sessionId": secret("session"),
            "note": "call back later, token=\(secret("inlinetoken"))", "comment": "rotated AKIAIOSFODNN7EXAMPLE yesterday",
            "config": "{\"password\":\"\(secret("nestedjson"))\"}",
            "domain_name": "yourdomain.com", "extension": "1001", "bypass_media": "false", "description": "front desk",
        ]
        let query = "access_token=\(secret("querytoken"))&domain=yourdomain.com&pwd=\(secret("querypwd"))"
        let body: JSONValue = [
            "status": "success", "password": .string(secret("answerpassword")),
            "data": ["credentials": ["secret": .string(secret("deep"))], "items": [["apiKey": .string(secret("camel"))]]],
            "note": .string(jwt), "certificate": .string(pem), "domain_name": "yourdomain.com",
        ]
        let exchange = Exchange(
            name: "planted",
            request: ExchangeRequest(method: "POST", path: "/app/status/index.php", query: query, headers: headers, form: form),
            response: ExchangeResponse(
                status: 200, headers: ["set-cookie": "session=\(secret("setcookie")); HttpOnly", "x-session-token": secret("xsession")],
                body: .json(body)
            )
        )
        return (exchange, secrets)
    }

    @Test("at least 30 planted secrets, in every place, none survive redaction; ordinary fields do")
    func nothingSurvives() throws {
        let (exchange, secrets) = Self.planted()
        #expect(secrets.count >= 30, "\(secrets.count) planted")
        let text = Exchange(
            name: "a", request: ExchangeRequest(method: "GET", path: "/"),
            response: ExchangeResponse(status: 200, headers: [:], body: .text("user=admin pass=\(secrets[0]) auth: Bearer \(Self.jwt)")))
        let redactor = Redactor()
        let cassette = Cassette(name: "c", exchanges: [redactor.redact(exchange), redactor.redact(text)])
        let written = String(decoding: cassette.json.serializedBytes(), as: UTF8.self)
        for secret in secrets {
            #expect(!written.contains(secret), "survived: \(secret.prefix(40))")
        }
        #expect(!written.contains("BEGIN PRIVATE KEY"))
        for ordinary in ["yourdomain.com", "front desk", "bypass_media", "call back later", "rotated"] {
            #expect(written.contains(ordinary), "\(ordinary) was redacted")
        }
        #expect(SecretScanner.scan(cassette).isEmpty, "\(SecretScanner.scan(cassette))")
        // --keep opts one field out, and only that one.
        let kept = Redactor(keep: ["sip_secret"]).redact(exchange)
        #expect(kept.request.form["sip_secret"]?.hasPrefix("planted-sipsecret") == true)
        #expect(kept.request.form["client_secret"]?.hasPrefix(Redactor.placeholderPrefix) == true)
    }

    @Test("recording scan flags hand-planted secrets wherever they are, by the rules redaction uses")
    func scanFlagsWhatRedactionWouldRemove() throws {
        let (exchange, _) = Self.planted()
        let findings = SecretScanner.scan(Cassette(name: "raw", exchanges: [exchange]))
        let places = Set(findings.map(\.location))
        for place in [
            "/exchanges/0/request/headers/x-auth-token", "/exchanges/0/request/headers/x-trace", "/exchanges/0/request/form/sip_secret",
            "/exchanges/0/request/form/password[0]", "/exchanges/0/request/form/note", "/exchanges/0/request/form/comment",
            "/exchanges/0/request/form/config", "/exchanges/0/request/query", "/exchanges/0/response/headers/set-cookie",
            "/exchanges/0/response/body/data/credentials/secret", "/exchanges/0/response/body/data/items/0/apiKey",
            "/exchanges/0/response/body/note", "/exchanges/0/response/body/certificate",
        ] {
            #expect(places.contains(place), "scan missed \(place): \(places.sorted())")
        }
        #expect(!places.contains("/exchanges/0/request/form/domain_name"))
        #expect(!places.contains("/exchanges/0/request/form/bypass_media"))
    }
}

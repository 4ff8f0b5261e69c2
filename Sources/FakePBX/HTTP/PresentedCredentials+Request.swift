import Foundation
import HTTPTypes

extension PresentedCredentials {
    /// The credential parameter names, removed from the fields handlers see.
    static let fieldNames: Set<String> = ["username", "password", "key"]

    /// Collects credentials from form fields (`username`, `password`, `key`), HTTP Basic, `X-API-Key` and
    /// `Authorization: Bearer`. Form fields take precedence over headers.
    init(fields: [String: String], headers: HTTPFields) {
        self.init(username: fields["username"], password: fields["password"], apiKey: fields["key"])
        if let authorization = headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2 {
                let scheme = parts[0].lowercased()
                let value = String(parts[1]).trimmingCharacters(in: .whitespaces)
                if scheme == "basic", let data = Data(base64Encoded: value), let text = String(data: data, encoding: .utf8),
                    let colon = text.firstIndex(of: ":")
                {
                    if username == nil { username = String(text[..<colon]) }
                    if password == nil { password = String(text[text.index(after: colon)...]) }
                } else if scheme == "bearer", apiKey == nil {
                    apiKey = value
                }
            }
        }
        if apiKey == nil, let key = headers[HTTPField.Name("X-API-Key")!] { apiKey = key }
        if username?.isEmpty == true { username = nil }
        if password?.isEmpty == true { password = nil }
        if apiKey?.isEmpty == true { apiKey = nil }
    }
}

import Foundation
import HTTPTypes

extension PresentedCredentials {
    /// The credential parameter names, removed from the fields handlers see.
    static let fieldNames: Set<String> = ["username", "password", "key"]

    /// Collects credentials from form fields (`username`, `password`, `key`), HTTP Basic, `X-API-Key` and
    /// `Authorization: Bearer`. Form fields take precedence over headers.
    ///
    /// A form `password` is the API user's only when the form also names the user, or when nothing
    /// else authenticates the request; otherwise (HTTP Basic, an API key) it is the record's own, such
    /// as an extension's SIP password (docs/api.md, "Passwords"). ``formFields`` says which form
    /// fields were taken as credentials.
    init(fields: [String: String], headers: HTTPFields) {
        self.init(username: fields["username"], password: nil, apiKey: fields["key"])
        formFields = Set(["username", "key"].filter { fields[$0] != nil })
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
        if let formPassword = fields["password"], fields["username"] != nil || (password == nil && apiKey == nil) {
            password = formPassword
            formFields.insert("password")
        }
        if username?.isEmpty == true { username = nil }
        if password?.isEmpty == true { password = nil }
        if apiKey?.isEmpty == true { apiKey = nil }
    }
}

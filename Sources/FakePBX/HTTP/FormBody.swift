import ContractKit

/// The request's parameters as PHP reads them (see `RequestForm`), with a decoding failure as the
/// `400 Invalid Request` a script would answer.
enum FormBody {
    /// The body's fields by its Content-Type: urlencoded (any supported charset), multipart or JSON.
    static func decode(_ body: [UInt8], contentType: String?) throws(APIError) -> [String: String] {
        do {
            return RequestForm.fields(try RequestForm.bodyPairs(body, contentType: contentType))
        } catch {
            throw .invalidRequest(error.message)
        }
    }

    /// The query string's fields.
    static func query(_ text: String) throws(APIError) -> [String: String] {
        do {
            return RequestForm.fields(try RequestForm.queryPairs(text))
        } catch {
            throw .invalidRequest(error.message)
        }
    }
}

import ContractKit

/// The request's parameters as PHP reads them (see `RequestForm`), with a decoding failure as the
/// `400 Invalid Request` a script would answer.
enum FormBody {
    /// The body's fields as `reading` reads them, and why PHP saw fewer than were sent.
    static func decode(_ body: [UInt8], contentType: String?, reading: RequestForm.Reading) throws(APIError) -> (
        fields: [String: String], note: RequestForm.Note?
    ) {
        do {
            let read = try RequestForm.bodyRead(body, contentType: contentType, reading: reading)
            return (RequestForm.fields(read.pairs), read.note)
        } catch {
            throw .invalidRequest(error.message)
        }
    }

    /// The query string's fields, and why PHP saw fewer than were sent.
    static func query(_ text: String, reading: RequestForm.Reading) throws(APIError) -> (fields: [String: String], note: RequestForm.Note?) {
        do {
            let read = try RequestForm.queryRead(text, reading: reading)
            return (RequestForm.fields(read.pairs), read.note)
        } catch {
            throw .invalidRequest(error.message)
        }
    }
}

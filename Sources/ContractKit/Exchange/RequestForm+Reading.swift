extension RequestForm {
    /// How a body is read: as PHP reads it, or leniently.
    public struct Reading: Sendable, Hashable {
        /// Only the Content-Types PHP reads into `$_POST` give fields.
        public var phpContentTypes: Bool
        /// A flat JSON object's members are fields (PHP does not read JSON into `$_POST`).
        public var jsonBodies: Bool
        /// PHP's `max_input_vars` applies (stock php.ini: 1000).
        public var inputLimits: Bool

        public init(phpContentTypes: Bool, jsonBodies: Bool, inputLimits: Bool) {
            self.phpContentTypes = phpContentTypes
            self.jsonBodies = jsonBodies
            self.inputLimits = inputLimits
        }

        /// As a stock PHP reads it.
        public static let php = Reading(phpContentTypes: true, jsonBodies: false, inputLimits: true)
        /// As PHP reads it, plus JSON objects (`serve --json-bodies`, inferred: no FusionPBX script reads JSON).
        public static let phpWithJSON = Reading(phpContentTypes: true, jsonBodies: true, inputLimits: true)
        /// Whatever the client meant: any Content-Type as urlencoded, JSON objects, no limits. For
        /// recordings and imports, which keep what was sent.
        public static let lenient = Reading(phpContentTypes: false, jsonBodies: true, inputLimits: false)
    }

    /// Why PHP sees fewer fields than the client sent.
    public enum Note: Sendable, Hashable, CustomStringConvertible {
        /// The body's Content-Type is not one PHP reads into `$_POST`; the script sees no body fields.
        case bodyNotRead(contentType: String?)
        /// Past `max_input_vars`: only the first `read` of `sent` were read.
        case inputVarsExceeded(read: Int, sent: Int, in: String)

        public var description: String {
            switch self {
            case .bodyNotRead(let type):
                "the body was not read: PHP fills $_POST only from application/x-www-form-urlencoded and multipart/form-data, and this request's Content-Type is \(type.map { "'\($0)'" } ?? "missing"), so the script sees none of its fields; send the fields urlencoded (CURLOPT_POSTFIELDS with http_build_query) or as an array (multipart)"
            case .inputVarsExceeded(let read, let sent, let place):
                "the \(place) has \(sent) variables; PHP read the first \(read) and ignored the rest (max_input_vars \(RequestForm.maxInputVars)); send fewer"
            }
        }
    }

    /// What PHP read from a body or query string.
    public struct Read: Sendable {
        public var pairs: [(String, String)]
        public var note: Note?
    }
}

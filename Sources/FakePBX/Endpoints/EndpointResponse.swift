import HTTPTypes
public import JSONSchema

/// What an endpoint handler answers: a JSON document, or a body of another type (CSV, XML exports).
public struct EndpointResponse: Sendable {
    public var status: HTTPResponse.Status
    public var contentType: String
    public var body: [UInt8]
    public var headers: HTTPFields

    public init(status: HTTPResponse.Status = .ok, contentType: String, body: [UInt8], headers: HTTPFields = [:]) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }

    public static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> EndpointResponse {
        EndpointResponse(status: status, contentType: "application/json", body: value.serializedBytes())
    }

    /// The success envelope: `{"status":"success","message":MESSAGE, ...members}`.
    public static func success(_ message: String, _ members: JSONObject = JSONObject()) -> EndpointResponse {
        var object = JSONObject(["status": "success", "message": .string(message)])
        for member in members { object[member.key] = member.value }
        return .json(.object(object))
    }
}

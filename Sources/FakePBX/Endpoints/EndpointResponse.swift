import HTTPTypes
public import JSONSchema
public import NIOCore

/// A body made in pieces, for answers too large to hold (CDR exports).
public protocol BodyProducer: Sendable {
    /// The next piece, or `nil` when the body is complete.
    mutating func nextChunk() -> [UInt8]?
    /// Hands every remaining piece to `emit`, in order (by default, ``nextChunk()`` until done).
    mutating func stream(_ emit: (ByteBuffer) async throws -> Void) async throws
}

extension BodyProducer {
    public mutating func stream(_ emit: (ByteBuffer) async throws -> Void) async throws {
        while let chunk = nextChunk() {
            try Task.checkCancellation()
            try await emit(ByteBuffer(bytes: chunk))
        }
    }
}

/// What an endpoint handler answers: a JSON document, or a body of another type (CSV, XML exports).
public struct EndpointResponse: Sendable {
    public var status: HTTPResponse.Status
    public var contentType: String
    /// The body, or its first part when `rest` is set.
    public var body: [UInt8]
    /// The rest of a body too large to hold: sent chunked, without Content-Length.
    public var rest: (any BodyProducer)?
    public var headers: HTTPFields

    public init(status: HTTPResponse.Status = .ok, contentType: String, body: [UInt8], headers: HTTPFields = [:]) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }

    /// A body from `producer`: sent whole, with its length, when it fits in `inline` bytes, else streamed.
    public static func produced(
        _ producer: some BodyProducer, contentType: String, headers: HTTPFields = [:], inline: Int = 1 << 20
    ) -> EndpointResponse {
        var producer = producer
        var body: [UInt8] = []
        while body.count < inline {
            guard let chunk = producer.nextChunk() else {
                return EndpointResponse(contentType: contentType, body: body, headers: headers)
            }
            body += chunk
        }
        var response = EndpointResponse(contentType: contentType, body: body, headers: headers)
        response.rest = producer
        return response
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

import Foundation

extension JSONValue {
    /// The value as a file holds it: pretty-printed, with a final newline (so it reads well in a diff).
    public var fileBytes: [UInt8] {
        var bytes = serializedBytes(.pretty)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Writes ``fileBytes`` to `path` atomically: a temporary file renamed over the old one, so a
    /// reader never sees half a document and a failed write leaves the old file as it was.
    /// - Throws: Foundation's error when the file cannot be written.
    public func writeFile(to path: String) throws {
        try Data(fileBytes).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

import Foundation

extension JSONValue {
    /// The value as a file holds it: pretty-printed, with a final newline (so it reads well in a diff).
    public var fileBytes: [UInt8] {
        var bytes = serializedBytes(.pretty)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Writes ``fileBytes`` to `path` whole or not at all (``AtomicFile``): a reader never sees half a
    /// document, and a failed or killed write leaves the old file as it was and no stray file.
    /// - Throws: ``AtomicFile/Failure`` when the file cannot be written.
    public func writeFile(to path: String) throws {
        try AtomicFile.write(fileBytes, to: path)
    }
}

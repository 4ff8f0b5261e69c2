import JSONSchema

/// Reads typed members out of a parsed JSON document, reporting every problem with the file and JSON
/// pointer of the offending value.
struct JSONReader {
    let value: JSONValue
    let pointer: String
    let file: String
    let code: ContractError.Code

    init(_ value: JSONValue, file: String, code: ContractError.Code, pointer: String = "") {
        self.value = value
        self.pointer = pointer
        self.file = file
        self.code = code
    }

    var location: String { "\(file)#\(pointer)" }

    func error(_ message: String, at key: String? = nil) -> ContractError {
        let where_ = key.map { "\(file)#\(pointer)/\(JSONPointer.escape($0))" } ?? location
        return ContractError(code, message, at: where_)
    }

    func object() throws(ContractError) -> JSONObject {
        guard case .object(let object) = value else { throw error("expected a JSON object") }
        return object
    }

    /// The member `key`, or `nil` when absent (or null).
    func member(_ key: String) throws(ContractError) -> JSONReader? {
        guard let child = try object()[key], child != .null else { return nil }
        return JSONReader(child, file: file, code: code, pointer: "\(pointer)/\(JSONPointer.escape(key))")
    }

    func required(_ key: String) throws(ContractError) -> JSONReader {
        guard let child = try member(key) else { throw error("the member '\(key)' is missing") }
        return child
    }

    func string() throws(ContractError) -> String {
        guard case .string(let text) = value else { throw error("expected a string") }
        return text
    }

    func int() throws(ContractError) -> Int {
        guard case .number(let number) = value, let int = number.intValue else { throw error("expected a whole number") }
        return int
    }

    func bool() throws(ContractError) -> Bool {
        guard case .bool(let flag) = value else { throw error("expected true or false") }
        return flag
    }

    func array() throws(ContractError) -> [JSONReader] {
        guard case .array(let items) = value else { throw error("expected an array") }
        return items.enumerated().map { JSONReader($1, file: file, code: code, pointer: "\(pointer)/\($0)") }
    }

    /// The members of an object, in document order.
    func members() throws(ContractError) -> [(key: String, reader: JSONReader)] {
        try object().map { ($0.key, JSONReader($0.value, file: file, code: code, pointer: "\(pointer)/\(JSONPointer.escape($0.key))")) }
    }

    func strings() throws(ContractError) -> [String] {
        var result: [String] = []
        for item in try array() { result.append(try item.string()) }
        return result
    }

    /// An object of string values.
    func stringMap() throws(ContractError) -> [String: String] {
        var result: [String: String] = [:]
        for (key, reader) in try members() { result[key] = try reader.string() }
        return result
    }

    /// Refuses members not in `allowed`, naming the first unknown one and the accepted names.
    func rejectUnknown(_ allowed: Set<String>) throws(ContractError) {
        for key in try object().keys where !allowed.contains(key) {
            throw error("unknown member '\(key)'; expected one of: \(allowed.sorted().joined(separator: ", "))", at: key)
        }
    }
}

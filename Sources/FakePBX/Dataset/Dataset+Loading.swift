import Foundation
import JSONSchema

extension Dataset {
    /// Reads, decodes and validates a dataset file.
    /// - Throws: ``FakePBXError`` when the file cannot be read; ``DatasetError`` listing every bad field.
    public static func load(contentsOf path: String) throws -> Dataset {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FakePBXError(.fileAccess, "cannot read the dataset file (check the path and permissions)", at: path)
        }
        return try decode(data, source: path)
    }

    /// Decodes and validates dataset JSON; `source` names it in errors.
    public static func decode(_ data: Data, source: String) throws -> Dataset {
        // JSONParser, not JSONSerialization: it refuses duplicate keys (which would silently drop a
        // record) and says where the syntax error is.
        let root: JSONValue
        do {
            root = try JSONParser.parse(Array(data))
        } catch {
            throw DatasetError(file: source, problems: [.init(pointer: "", message: "not valid JSON: \(error)")])
        }
        // Every problem at once: unknown fields do not hide bad values (the decoder ignores them).
        var problems = unknownFieldProblems(in: root)
        let dataset: Dataset
        do {
            dataset = try JSONDecoder().decode(Dataset.self, from: data)
        } catch let error as DecodingError {
            throw DatasetError(file: source, problems: problems + everyProblem(in: root, first: error))
        }
        problems += dataset.validationProblems()
        if !problems.isEmpty { throw DatasetError(file: source, problems: problems) }
        return dataset
    }

    /// The dataset as pretty-printed JSON with sorted keys (stable in diffs), the format `--data` reads.
    public func encodedJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    private static func unknownFieldProblems(in root: JSONValue) -> [DatasetError.Problem] {
        guard case .object(let object) = root else {
            return [.init(pointer: "", message: "a dataset is a JSON object with \"format\": \"\(formatName)\"")]
        }
        var problems: [DatasetError.Problem] = []
        func check(_ value: JSONValue?, at pointer: String, against fields: Set<String>) {
            for key in value?.objectValue?.keys ?? [] where !fields.contains(key) {
                problems.append(unknown(key, at: pointer, expected: fields))
            }
        }
        check(root, at: "", against: Set(CodingKeys.allCases.map(\.stringValue)))
        check(object["cdr_generation"], at: "/cdr_generation", against: CDRGeneration.fieldNames)
        for (table, fields) in recordFields.sorted(by: { $0.key < $1.key }) {
            for (index, row) in (object[table]?.arrayValue ?? []).enumerated() {
                let pointer = "/\(table)/\(index)"
                check(row, at: pointer, against: fields)
                guard table == "access_controls" else { continue }
                for (nodeIndex, node) in (row["nodes"]?.arrayValue ?? []).enumerated() {
                    check(node, at: "\(pointer)/nodes/\(nodeIndex)", against: AccessControl.Node.fieldNames)
                }
            }
        }
        return problems
    }

    private static func unknown(_ key: String, at pointer: String, expected: Set<String>) -> DatasetError.Problem {
        .init(
            pointer: "\(pointer)/\(JSONPointer.escape(key))",
            message: "unknown field '\(key)'; expected one of: \(expected.sorted().joined(separator: ", "))"
        )
    }

    static func problem(for error: DecodingError) -> DatasetError.Problem {
        switch error {
        case .keyNotFound(let key, let context):
            return .init(
                pointer: JSONPointer.from(context.codingPath + [key]),
                message: "required field '\(key.stringValue)' is missing"
            )
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return .init(pointer: JSONPointer.from(context.codingPath), message: "expected \(describe(type))")
        case .dataCorrupted(let context):
            return .init(pointer: JSONPointer.from(context.codingPath), message: context.debugDescription)
        @unknown default:
            return .init(pointer: "", message: "\(error)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "a value of type \(type)"
        }
    }
}

extension JSONPointer {
    /// The JSON pointer of a `Codable` coding path, for dataset errors.
    static func from(_ path: [any CodingKey]) -> String {
        path.map { "/" + ($0.intValue.map(String.init) ?? escape($0.stringValue)) }.joined()
    }
}

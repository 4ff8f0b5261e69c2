import JSONSchema
import Yams

/// A YAML document as a JSON value, with the line and column of every value by JSON pointer, so a
/// problem found in the value can be reported at its place in the file.
struct YAMLDocument {
    let value: JSONValue
    private let marks: [String: (line: Int, column: Int)]

    /// Parses `text`.
    /// - Throws: ``ScenarioIssue`` with the line and column of a YAML syntax error.
    init(_ text: String) throws(ScenarioIssue) {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            switch error {
            case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
                .composer(let context, let problem, let mark, _):
                let detail = context.map { "\(problem) \($0.text)" } ?? problem
                throw ScenarioIssue(line: mark.line, column: mark.column, message: "YAML syntax: \(detail)")
            default:
                throw ScenarioIssue(line: 1, column: 1, message: "YAML: \(error)")
            }
        } catch {
            throw ScenarioIssue(line: 1, column: 1, message: "YAML: \(error)")
        }
        var marks: [String: (line: Int, column: Int)] = [:]
        value = node.map { YAMLDocument.convert($0, pointer: "", marks: &marks) } ?? .null
        self.marks = marks
    }

    private static func convert(_ node: Node, pointer: String, marks: inout [String: (line: Int, column: Int)]) -> JSONValue {
        if let mark = node.mark { marks[pointer] = (mark.line, mark.column) }
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                if node.null != nil { return .null }
                // YAML 1.2 booleans only: `off`, `no` and `on` stay text (jails: {nginx-dos: off}).
                if ["true", "false"].contains(scalar.string.lowercased()), let flag = node.bool { return .bool(flag) }
                if let int = node.int { return .int(int) }
                if let number = node.float, number.isFinite { return .double(number) }
            }
            return .string(scalar.string)
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                let name = key.string ?? "\(key)"
                let child = "\(pointer)/\(JSONPointer.escape(name))"
                if let mark = key.mark { marks[child + "#key"] = (mark.line, mark.column) }
                object[name] = convert(value, pointer: child, marks: &marks)
            }
            return .object(object)
        case .sequence(let sequence):
            return .array(sequence.enumerated().map { convert($1, pointer: "\(pointer)/\($0)", marks: &marks) })
        case .alias:
            return .null
        }
    }

    /// The line and column of the value at `pointer`, or of its nearest parent that has one.
    func position(of pointer: String) -> (line: Int, column: Int) {
        var current = pointer
        while true {
            if let mark = marks[current] { return mark }
            guard let slash = current.lastIndex(of: "/") else { return (1, 1) }
            current = String(current[..<slash])
        }
    }

    /// A ``SpecError`` placed in the file.
    func issue(_ error: SpecError) -> ScenarioIssue {
        // An unknown key is reported where the key is written, not at its value.
        let keyMark = error.message.hasPrefix("unknown key") ? marks[error.pointer + "#key"] : nil
        let (line, column) = keyMark ?? position(of: error.pointer)
        return ScenarioIssue(line: line, column: column, message: error.description)
    }
}

/// One problem in a scenario file, at a line and column.
public struct ScenarioIssue: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String { "\(line):\(column): \(message)" }
}

/// Every problem found in a scenario file.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var issues: [ScenarioIssue]

    public var description: String {
        issues.map { "\(file):\($0)" }.joined(separator: "\n")
    }
}

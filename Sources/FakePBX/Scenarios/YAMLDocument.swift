import JSONSchema
import Yams

/// A YAML document as a JSON value, with the line and column of every value by JSON pointer, so a
/// problem found in the value can be reported at its place in the file.
struct YAMLDocument {
    let value: JSONValue
    private let marks: [String: (line: Int, column: Int)]

    /// Limits on what a scenario may be: they refuse a hostile file (an alias bomb, deep nesting)
    /// at once, where reading it whole would take seconds and gigabytes.
    static let maxBytes = 1 << 20
    static let maxValues = 100_000
    static let maxDepth = 64

    /// Parses `text`.
    /// - Throws: ``ScenarioIssue`` with the line and column of a YAML syntax error, or of the value
    ///   where a limit was passed.
    init(_ text: String) throws(ScenarioIssue) {
        guard text.utf8.count <= YAMLDocument.maxBytes else {
            throw ScenarioIssue(
                line: 1, column: 1, message: "the scenario is \(text.utf8.count) bytes; at most \(YAMLDocument.maxBytes) (1 MiB) are read")
        }
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
        if let node {
            // Counted first, building nothing: an alias bomb is refused before any of it is converted.
            var budget = YAMLDocument.maxValues
            try YAMLDocument.measure(node, depth: 0, budget: &budget)
            value = YAMLDocument.convert(node, pointer: "", marks: &marks)
        } else {
            value = .null
        }
        self.marks = marks
    }

    /// Counts `node`'s values, aliases expanded, against `budget`, and checks its depth.
    private static func measure(_ node: Node, depth: Int, budget: inout Int) throws(ScenarioIssue) {
        budget -= 1
        guard budget >= 0, depth <= maxDepth else {
            let mark = node.mark.map { ($0.line, $0.column) } ?? (1, 1)
            let limit =
                budget < 0
                ? "the document expands to more than \(maxValues) values (aliases repeating aliases?)"
                : "values are nested more than \(maxDepth) deep"
            throw ScenarioIssue(line: mark.0, column: mark.1, message: "\(limit); a scenario is refused past that")
        }
        switch node {
        case .scalar, .alias: return
        case .mapping(let mapping):
            for (_, value) in mapping { try measure(value, depth: depth + 1, budget: &budget) }
        case .sequence(let sequence):
            for item in sequence { try measure(item, depth: depth + 1, budget: &budget) }
        }
    }

    /// `node` as a JSON value, with the place of every value; ``measure(_:depth:budget:)`` bounded it.
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
            var items: [JSONValue] = []
            for (index, item) in sequence.enumerated() {
                items.append(convert(item, pointer: "\(pointer)/\(index)", marks: &marks))
            }
            return .array(items)
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

/// Everything wrong with a dataset file, each problem at its JSON pointer.
public struct DatasetError: Error, Sendable, CustomStringConvertible {
    public struct Problem: Sendable, Hashable {
        /// JSON pointer of the bad field, e.g. `/extensions/3/domain_name`.
        public var pointer: String
        public var message: String
    }

    public var file: String
    public var problems: [Problem]

    public var code: FakePBXError.Code { .invalidDataset }

    public var description: String {
        let lines = problems.prefix(50).map { "\(file)#\($0.pointer): \($0.message)" }
        let more = problems.count > 50 ? ["(\(problems.count - 50) more problems not shown)"] : []
        return (["dataset \(file) was refused:"] + lines + more).joined(separator: "\n")
    }
}

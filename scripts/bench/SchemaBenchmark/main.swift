// Validations per second of one instance against one schema, for scripts/bench/schema.
//   SchemaBenchmark SCHEMA INSTANCE SECONDS
//   SchemaBenchmark SCHEMA INSTANCE Nx      runs exactly N validations (for instruction counts under
//                                           valgrind --tool=callgrind, which are repeatable)
import Foundation
import JSONSchema

let arguments = CommandLine.arguments
let fixedCount = arguments.count == 4 && arguments[3].hasSuffix("x") ? Int(arguments[3].dropLast()) : nil
guard arguments.count == 4, let seconds = fixedCount.map({ _ in 0 }) ?? Double(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: SchemaBenchmark SCHEMA INSTANCE SECONDS|Nx\n".utf8))
    exit(2)
}
let schema = try SchemaRegistry.readDocument(arguments[1])
let instance = try SchemaRegistry.readDocument(arguments[2])
let validator = try Validator(schema: schema)
guard validator.isValid(instance) else {
    print("instance is not valid: \(validator.validate(instance).errors.prefix(3))")
    exit(1)
}
if let fixedCount {
    for _ in 0..<fixedCount { precondition(validator.isValid(instance)) }
    print("\(fixedCount) validations")
    exit(0)
}
let clock = ContinuousClock()
var count = 0
let start = clock.now
while clock.now - start < .seconds(seconds) {
    precondition(validator.isValid(instance))
    count += 1
}
let elapsed = clock.now - start
let perSecond = Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
print(String(format: "%.2f", perSecond))

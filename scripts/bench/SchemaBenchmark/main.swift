// Validations per second of one instance against one schema, for scripts/bench/schema.
//   SchemaBenchmark SCHEMA INSTANCE SECONDS
import Foundation
import JSONSchema

let arguments = CommandLine.arguments
guard arguments.count == 4, let seconds = Double(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: SchemaBenchmark SCHEMA INSTANCE SECONDS\n".utf8))
    exit(2)
}
let schema = try SchemaRegistry.readDocument(arguments[1])
let instance = try SchemaRegistry.readDocument(arguments[2])
let validator = try Validator(schema: schema)
guard validator.isValid(instance) else {
    print("instance is not valid: \(validator.validate(instance).errors.prefix(3))")
    exit(1)
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

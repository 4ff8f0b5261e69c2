import Foundation
import JSONSchema

extension Dataset {
    /// Every problem of a file the decoder refused, in one pass: each record decoded on its own (a
    /// bad one does not hide the next), the top-level settings, then the rules of ``validationProblems()``
    /// over the records that did decode. `first` is the decoder's own report, kept if nothing else is found.
    static func everyProblem(in root: JSONValue, first: DecodingError) -> [DatasetError.Problem] {
        var problems: [DatasetError.Problem] = []
        var partial = Dataset()
        func rows<Record: Decodable>(_ table: CodingKeys, as type: Record.Type) -> [Record] {
            guard let items = root[table.rawValue]?.arrayValue else { return [] }
            var decoded: [Record] = []
            for (index, item) in items.enumerated() {
                do {
                    decoded.append(try JSONDecoder().decode(Record.self, from: Data(item.serializedBytes())))
                } catch let error as DecodingError {
                    var problem = problem(for: error)
                    problem.pointer = "/\(table.rawValue)/\(index)\(problem.pointer)"
                    problems.append(problem)
                } catch {
                    problems.append(.init(pointer: "/\(table.rawValue)/\(index)", message: "\(error)"))
                }
            }
            return decoded
        }
        partial.domains = rows(.domains, as: Domain.self)
        partial.extensions = rows(.extensions, as: Extension.self)
        partial.registrations = rows(.registrations, as: Registration.self)
        partial.gateways = rows(.gateways, as: Gateway.self)
        partial.destinations = rows(.destinations, as: Destination.self)
        partial.outboundRoutes = rows(.outboundRoutes, as: OutboundRoute.self)
        partial.accessControls = rows(.accessControls, as: AccessControl.self)
        partial.activeCalls = rows(.activeCalls, as: ActiveCall.self)
        partial.cdrs = rows(.cdrs, as: CallDetailRecord.self)
        // The settings, with every table emptied (a table that is not an array is the decoder's to report).
        if case .object(var object) = root {
            for table in CodingKeys.allCases where recordFields[table.rawValue] != nil && object[table.rawValue]?.arrayValue != nil {
                object[table.rawValue] = .array([])
            }
            do {
                _ = try JSONDecoder().decode(Dataset.self, from: Data(JSONValue.object(object).serializedBytes()))
            } catch let error as DecodingError {
                problems.append(problem(for: error))
            } catch {}
        }
        if problems.isEmpty { problems.append(problem(for: first)) }
        // A reference to a record that could not be read is not a problem of its own.
        let unread = Set(problems.compactMap { $0.pointer.split(separator: "/").first.map(String.init) })
        let consequences = [("domains", "no domain named"), ("gateways", "no gateway"), ("extensions", "no extension")]
            .filter { unread.contains($0.0) }.map(\.1)
        return problems + partial.validationProblems().filter { problem in !consequences.contains { problem.message.hasPrefix($0) } }
    }
}

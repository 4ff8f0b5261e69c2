public import ContractKit
import JSONSchema
import Synchronization

/// How `serve --verify-client` treats requests that break their contract.
public enum ClientVerificationMode: String, Sendable, Hashable, CustomStringConvertible {
    /// Answer normally and record each violation (`GET /__fakepbx/violations`).
    case report
    /// Answer 400 with the violations listed, and record them.
    case strict

    public var description: String { rawValue }
}

/// One request that broke its contract, as the control API lists it.
public struct RecordedViolation: Sendable {
    /// ISO 8601 UTC, from the server's clock.
    public var time: String
    public var client: String
    public var method: String
    public var path: String
    /// The operation the request was matched to, when any.
    public var operation: String?
    public var violations: [ContractViolation]

    public var json: JSONValue {
        var object: JSONObject = [
            "time": .string(time), "client": .string(client), "method": .string(method), "path": .string(path),
            "operation": operation.map(JSONValue.string) ?? .null,
        ]
        object["violations"] = .array(violations.map(\.json))
        return .object(object)
    }
}

/// Checks every request the billing client sends against the request contracts and keeps the most
/// recent violations.
public final class ClientVerifier: Sendable {
    /// Older violations are dropped past this many requests, so a long run cannot exhaust memory.
    public static let capacity = 1000

    public let mode: ClientVerificationMode
    public let catalog: ContractCatalog
    private let log = Mutex<(entries: [RecordedViolation], dropped: Int)>(([], 0))

    public init(mode: ClientVerificationMode, catalog: ContractCatalog) {
        self.mode = mode
        self.catalog = catalog
    }

    /// Checks a request; records and returns its violations (empty when it holds).
    func verify(_ request: ExchangeRequest, client: String, time: String) -> [ContractViolation] {
        let (operation, violations) = catalog.checkRequest(request)
        guard !violations.isEmpty else { return [] }
        record(
            RecordedViolation(
                time: time, client: client, method: request.method, path: request.path, operation: operation?.id, violations: violations
            ))
        return violations
    }

    func record(_ entry: RecordedViolation) {
        log.withLock { log in
            log.entries.append(entry)
            if log.entries.count > ClientVerifier.capacity {
                log.entries.removeFirst()
                log.dropped += 1
            }
        }
    }

    /// The recorded violations, oldest first, and how many older ones were dropped.
    public var recorded: (entries: [RecordedViolation], dropped: Int) { log.withLock { $0 } }

    /// Forgets every recorded violation.
    public func clear() { log.withLock { $0 = ([], 0) } }
}

import Foundation
import JSONSchema

/// The outcome of checking one exchange: the operation it was matched to and the violations found,
/// grouped by what was checked.
public struct ExchangeVerdict: Sendable {
    /// The operation the request was matched to; `nil` when it matches none.
    public var operation: ContractOperation?
    /// Violations of the request (operation, method, headers, fields).
    public var request: [ContractViolation]
    /// Violations of the response status.
    public var status: [ContractViolation]
    /// Violations of the response headers.
    public var headers: [ContractViolation]
    /// Violations of the response body.
    public var body: [ContractViolation]
    /// What the check assumed, shown with the body check (a media type inferred from the body).
    public var notes: [String] = []

    public var violations: [ContractViolation] { request + status + headers + body }
    public var holds: Bool { violations.isEmpty }
}

extension ContractCatalog {
    /// The operation a request names: by path, then by its selecting fields (`action`).
    public func operation(for request: ExchangeRequest) -> ContractOperation? {
        let parameters = request.parameters
        return operations(at: request.path).first { $0.matches(parameters) && $0.allows(method: request.method) }
    }

    /// Checks a request against its contract: a known path and method, the required headers, and the
    /// fields against the operation's request schema.
    public func checkRequest(_ request: ExchangeRequest) -> (operation: ContractOperation?, violations: [ContractViolation]) {
        let candidates = operations(at: request.path)
        guard !candidates.isEmpty else {
            return (
                nil,
                [
                    ContractViolation(
                        subject: .operation, pointer: request.path, rule: "path",
                        message: "no contract for \(request.method) \(request.path): the path is not an endpoint of the API; check the URL"
                    )
                ]
            )
        }
        var violations: [ContractViolation] = []
        let methods = Set(candidates.flatMap(\.methods))
        if !candidates.contains(where: { $0.allows(method: request.method) }) {
            violations.append(
                ContractViolation(
                    subject: .operation, pointer: request.path, rule: "method",
                    message: "method \(request.method) is not allowed for \(request.path); use \(methods.sorted().joined(separator: " or "))"
                ))
        }
        violations += headerViolations(requestHeaders, headers: request.headers, hasBody: request.hasBody, subject: .request)
        for note in request.readingNotes {
            let rule = if case .bodyNotRead = note { "content-type" } else { "max_input_vars" }
            violations.append(ContractViolation(subject: .request, pointer: "", rule: rule, message: note.description))
        }
        let parameters = request.parameters
        var fields = JSONObject()
        for name in parameters.keys.sorted() { fields[name] = .string(parameters[name]!) }
        let instance = JSONValue.object(fields)
        let operation = candidates.first { $0.matches(parameters) && $0.allows(method: request.method) }
        // With no operation selected (an unknown action), the whole file's schema says what is accepted.
        let ref = operation?.requestSchema ?? ContractCatalog.rootRef(candidates[0].requestSchema)
        if let validator = validator(ref) {
            violations += schemaViolations(validator.validate(instance), in: instance, subject: .request)
        }
        return (operation, violations)
    }

    /// Checks a response against what `operation` declares: the status, the media type and the body.
    public func checkResponse(
        _ response: ExchangeResponse, operation: ContractOperation
    ) -> (status: [ContractViolation], headers: [ContractViolation], body: [ContractViolation]) {
        guard let byType = responses(of: operation, status: response.status) else {
            let declared = statuses(of: operation).map(String.init).joined(separator: ", ")
            let location = (300..<400).contains(response.status) ? response.headers["location"].map { " (Location: \($0))" } ?? "" : ""
            return (
                [
                    ContractViolation(
                        subject: .status, rule: "responses",
                        message: "status \(response.status)\(location) is not part of \(operation.id)'s contract; expected one of \(declared)",
                        value: String(response.status)
                    )
                ], [], []
            )
        }
        // No Content-Type at all: the missing header is a violation, and a body that parses as JSON is
        // still checked as JSON (see ``ContractCatalog/inferredMediaTypeNote``).
        if response.mediaType == nil, case .json(let document) = response.body,
            let schemaRef = byType[ContractCatalog.inferredMediaType] ?? nil, let validator = validator(schemaRef)
        {
            let expected = byType.keys.sorted().joined(separator: " or ")
            let missing = ContractViolation(
                subject: .headers, pointer: "Content-Type", rule: "responses/\(response.status)",
                message: "the Content-Type header is missing; expected \(expected)"
            )
            return ([], [missing], schemaViolations(validator.validate(document), in: document, subject: .body))
        }
        let mediaType = response.mediaType
        guard let mediaType, let schemaRef = byType[mediaType] else {
            let expected = byType.keys.sorted().joined(separator: " or ")
            return (
                [],
                [
                    ContractViolation(
                        subject: .headers, pointer: "Content-Type", rule: "responses/\(response.status)",
                        message: mediaType.map { "Content-Type \($0) is not \(expected)" }
                            ?? "the Content-Type header is missing; expected \(expected)",
                        value: response.headers["content-type"]
                    )
                ], []
            )
        }
        let headers = headerViolations(responseHeaders, headers: response.headers, hasBody: true, subject: .headers)
        guard let schemaRef, let validator = validator(schemaRef) else { return ([], headers, []) }
        switch response.body {
        case .json(let document):
            return ([], headers, schemaViolations(validator.validate(document), in: document, subject: .body))
        case .text(let text):
            return (
                [], headers,
                [
                    ContractViolation(
                        subject: .body, rule: schemaRef, message: "the body is not JSON, but \(mediaType) was declared",
                        value: ContractViolation.shorten(text)
                    )
                ]
            )
        case .empty:
            return ([], headers, [ContractViolation(subject: .body, rule: schemaRef, message: "the body is empty; expected a JSON document")])
        }
    }

    static let inferredMediaType = "application/json"
    static let inferredMediaTypeNote = "the answer has no Content-Type; its body parses as JSON, so it was checked as application/json"

    /// Checks both sides of an exchange. An exchange without a response checks the request only.
    public func check(_ exchange: Exchange) -> ExchangeVerdict {
        let (operation, requestViolations) = checkRequest(exchange.request)
        var verdict = ExchangeVerdict(operation: operation, request: requestViolations, status: [], headers: [], body: [])
        if let response = exchange.response, let operation {
            (verdict.status, verdict.headers, verdict.body) = checkResponse(response, operation: operation)
            if response.mediaType == nil, case .json = response.body, verdict.status.isEmpty {
                verdict.notes.append(ContractCatalog.inferredMediaTypeNote)
            }
        }
        return verdict
    }

    private func schemaViolations(_ result: ValidationResult, in instance: JSONValue, subject: ContractViolation.Subject) -> [ContractViolation] {
        guard !result.isValid else { return [] }
        // The deepest errors say the most; anyOf/allOf summaries above them repeat them.
        var leaves = result.errors.filter { error in
            !result.errors.contains { other in
                other != error && other.keywordLocation.hasPrefix(error.keywordLocation + "/")
            }
        }
        // A property that failed its own schema is also "unevaluated" (failed subschemas leave no
        // annotations); the first error is the useful one.
        let all = leaves
        leaves.removeAll { error in
            error.keywordLocation.hasSuffix("/unevaluatedProperties")
                && all.contains { $0 != error && $0.instanceLocation == error.instanceLocation }
        }
        // Alternatives of one anyOf/oneOf become one violation: "a; or b; or c".
        var groups: [(key: String, errors: [ValidationError])] = []
        for error in leaves {
            let key = ContractCatalog.alternativeGroup(error)
            if let index = groups.firstIndex(where: { $0.key == key }) {
                groups[index].errors.append(error)
            } else {
                groups.append((key, [error]))
            }
        }
        return groups.map { group in
            let first = group.errors[0]
            var rule = ContractCatalog.relativeRule(first.absoluteKeywordLocation)
            var message = first.message
            if group.errors.count > 1, let range = rule.range(of: "/(anyOf|oneOf)/[0-9]+/", options: [.regularExpression, .backwards]) {
                rule = String(rule[..<range.lowerBound]) + "/" + rule[range].split(separator: "/")[0]
                message = "none of the alternatives holds: " + group.errors.map(\.message).joined(separator: "; or ")
            }
            return ContractViolation(
                subject: subject, pointer: first.instanceLocation, rule: rule, message: message,
                value: ContractViolation.display(JSONPointer.resolve(first.instanceLocation, in: instance), at: first.instanceLocation)
            )
        }
    }

    /// Errors inside the alternatives of the same anyOf/oneOf, at the same value, share a group.
    static func alternativeGroup(_ error: ValidationError) -> String {
        let location = error.keywordLocation
        guard let range = location.range(of: "/(anyOf|oneOf)/[0-9]+", options: [.regularExpression, .backwards]) else {
            return "\(error.instanceLocation) \(location) \(error.message)"
        }
        return "\(error.instanceLocation) \(location[..<range.lowerBound])"
    }

    /// A schema location relative to the contracts folder.
    static func relativeRule(_ absolute: String) -> String {
        absolute.hasPrefix(baseURI) ? String(absolute.dropFirst(baseURI.count)) : absolute
    }
}

import JSONSchema

/// A record type served by an action-based `manage_*.php` endpoint.
///
/// The engine in ``Endpoint/manage(_:path:app:)`` implements the actions once (list, get, create,
/// update, delete, enable, disable, version); each resource says how to find, build, check and render
/// its records.
protocol ManagedResource: Sendable {
    /// Singular key and title, e.g. `extension` / `Extension`.
    static var singular: String { get }
    static var plural: String { get }
    static var title: String { get }
    /// The primary-key field, e.g. `extension_uuid`.
    static var uuidField: String { get }
    static var table: WritableKeyPath<Dataset, [Self]> { get }

    var uuid: String { get }
    var enabled: Bool { get set }

    /// The index of the record the request names.
    static func locate(_ request: APIRequest, in dataset: Dataset) throws -> Int
    /// A new record from a create request (required fields checked, optional ones applied).
    static func make(_ request: APIRequest, in dataset: Dataset) throws -> Self
    /// Applies the updatable fields present in the request.
    mutating func apply(_ request: APIRequest) throws
    /// Checks the record against the rest of the model; `index` is its position when it replaces one.
    func validate(in dataset: Dataset, replacing index: Int?) throws
    /// Removes the record at `index`, refusing when other records still depend on it.
    static func delete(at index: Int, from dataset: inout Dataset) throws
    /// Records a list request selects (filters such as `domain_name`).
    static func list(_ request: APIRequest, in dataset: Dataset) throws -> [Self]

    func json(_ style: RenderStyle, in dataset: Dataset) -> JSONValue
    /// Members added to a create answer only (a generated password, shown once).
    var creationExtras: JSONObject { get }
}

extension ManagedResource {
    var creationExtras: JSONObject { [:] }

    /// The index of the record with primary key `uuid` (any case).
    /// - Throws: ``ModelError`` `notFound` naming the key field.
    static func index(ofUUID uuid: String, in dataset: Dataset) throws -> Int {
        let key = uuid.lowercased()
        guard let index = dataset[keyPath: table].firstIndex(where: { $0.uuid == key }) else {
            throw ModelError(.notFound, "no \(title.lowercased()) with \(uuidField) \(uuid)")
        }
        return index
    }

    static func delete(at index: Int, from dataset: inout Dataset) throws {
        dataset[keyPath: table].remove(at: index)
    }
}

extension Endpoint {
    static let manageActions = ["list", "get", "create", "update", "delete", "enable", "disable", "version"]

    /// An action-based endpoint for resource `R`.
    static func manage<R: ManagedResource>(_ resource: R.Type, path: String, app: PBXApp, rateClass: RateLimitClass) -> Endpoint {
        Endpoint(path, app: app, rateClass: rateClass, provenance: .inferred) { request, server in
            let style = RenderStyle(server.release, now: server.clock.epochSeconds)
            let action = try request.action(manageActions)
            switch action {
            case "version":
                return .appVersion(app, version: server.version(of: app))
            case "list":
                let items = try server.store.read { dataset in
                    try R.list(request, in: dataset).map { $0.json(style, in: dataset) }
                }
                return .success(
                    "\(R.title)s retrieved successfully",
                    ["count": .int(items.count), R.plural: .array(items)]
                )
            case "get":
                let item = try server.store.read { dataset in
                    dataset[keyPath: R.table][try R.locate(request, in: dataset)].json(style, in: dataset)
                }
                return .success("\(R.title) retrieved successfully", [R.singular: item])
            case "create":
                let (item, extras) = try server.store.write { dataset in
                    let record = try R.make(request, in: dataset)
                    try record.validate(in: dataset, replacing: nil)
                    dataset[keyPath: R.table].append(record)
                    return (record.json(style, in: dataset), record.creationExtras)
                }
                var members: JSONObject = [R.singular: item]
                for member in extras { members[member.key] = member.value }
                return .success("\(R.title) created successfully", members)
            case "update", "enable", "disable":
                let item = try server.store.write { dataset in
                    let index = try R.locate(request, in: dataset)
                    var record = dataset[keyPath: R.table][index]
                    if action == "update" {
                        try record.apply(request)
                        try record.validate(in: dataset, replacing: index)
                    } else {
                        record.enabled = action == "enable"
                    }
                    dataset[keyPath: R.table][index] = record
                    return record.json(style, in: dataset)
                }
                return .success("\(R.title) \(action)d successfully", [R.singular: item])
            default:
                let uuid = try server.store.write { dataset in
                    let index = try R.locate(request, in: dataset)
                    let uuid = dataset[keyPath: R.table][index].uuid
                    try R.delete(at: index, from: &dataset)
                    return uuid
                }
                return .success("\(R.title) deleted successfully", [R.uuidField: .string(uuid)])
            }
        }
    }
}

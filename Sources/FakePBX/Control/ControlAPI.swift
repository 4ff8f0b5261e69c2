import ContractKit
import Foundation
import Hummingbird
import HTTPTypes
import JSONSchema
import Logging
import NIOCore

/// fakepbx's own routes under `/__fakepbx/`: never subject to the PBX's policies, never part of the
/// emulated API. With `--admin-token`, every route needs `Authorization: Bearer TOKEN`.
///
/// Bodies are JSON objects; a value can also be given as a query parameter (`?seconds=3600`).
struct ControlAPI: Sendable {
    static let prefix = "/__fakepbx/"
    static let routes = [
        "GET /__fakepbx/health",
        "GET /__fakepbx/clock", "POST /__fakepbx/clock/freeze", "POST /__fakepbx/clock/resume",
        "POST /__fakepbx/clock/advance {seconds}", "POST /__fakepbx/clock/set {time | epoch}", "POST /__fakepbx/clock/reset",
        "GET /__fakepbx/jails", "GET /__fakepbx/bans", "POST /__fakepbx/bans {address, jail, seconds}",
        "DELETE /__fakepbx/bans/ADDRESS", "DELETE /__fakepbx/bans",
        "GET /__fakepbx/ratelimits", "DELETE /__fakepbx/ratelimits",
        "GET /__fakepbx/whitelist", "PUT /__fakepbx/whitelist {entries} or chkcon_whitelist.conf text", "POST /__fakepbx/whitelist {entry}",
        "GET /__fakepbx/state", "PUT /__fakepbx/state (a dataset)",
        "GET /__fakepbx/faults", "POST /__fakepbx/faults {type, ..., match, when} (or a list)", "DELETE /__fakepbx/faults/ID", "DELETE /__fakepbx/faults",
        "GET /__fakepbx/violations", "DELETE /__fakepbx/violations",
        "GET /__fakepbx/scenario", "POST /__fakepbx/scenario (YAML)", "GET /__fakepbx/replay", "POST /__fakepbx/replay/rewind", "GET /__fakepbx/journal?limit=N&endpoint=&action=&method=&status=&client=&since=&fault=&event=", "GET /__fakepbx/journal/count?…", "POST /__fakepbx/verify {endpoint, …, count|min|max|never}", "DELETE /__fakepbx/journal",
        "GET /__fakepbx/tls", "POST /__fakepbx/tls {mode}", "GET /__fakepbx/tls/ca.pem",
        "POST /__fakepbx/reset?dataset=keep|initial",
    ]

    /// `POST /__fakepbx/verify`: each expectation is a journal filter with `count`, `min`, `max` or
    /// `never`; 200 when all hold, 409 with what differed and the nearest entries otherwise.
    private func verify(_ document: JSONValue) throws -> Response {
        let items = document.arrayValue ?? [document]
        let bounds: Set<String> = ["count", "min", "max", "never"]
        var results: [JSONValue] = []
        var failed = false
        let entries = server.journal.recent()
        for (index, item) in items.enumerated() {
            guard case .object(let object) = item else {
                throw Failure(status: .badRequest, message: "expectation \(index + 1): expected an object such as {\"endpoint\": \"export_cdr\", \"count\": 3}")
            }
            let filter = try JournalQuery(try JournalQuery.values(of: object, keys: bounds))
            func bound(_ key: String) throws -> Int? {
                guard let value = object[key] else { return nil }
                guard case .number(let number) = value, let int = number.intValue, int >= 0 else {
                    throw Failure(status: .badRequest, message: "expectation \(index + 1): \(key) must be a whole number of at least 0")
                }
                return int
            }
            var minimum = try bound("min"), maximum = try bound("max")
            if let exact = try bound("count") { (minimum, maximum) = (exact, exact) }
            switch object["never"] {
            case nil, .bool(false)?: break
            case .bool(true)?: (minimum, maximum) = (0, 0)
            default: throw Failure(status: .badRequest, message: "expectation \(index + 1): never must be true or false")
            }
            if minimum == nil, maximum == nil { minimum = 1 }
            let matching = entries.filter(filter.matches)
            let holds = (minimum.map { matching.count >= $0 } ?? true) && (maximum.map { matching.count <= $0 } ?? true)
            var result: JSONObject = ["expectation": item, "matched": .int(matching.count), "holds": .bool(holds)]
            if !holds {
                failed = true
                let expected = minimum == maximum ? "exactly \(minimum!)" : [minimum.map { "at least \($0)" }, maximum.map { "at most \($0)" }].compactMap { $0 }.joined(separator: " and ")
                result["message"] = .string("expected \(expected) matching requests, found \(matching.count)")
                // What came closest: the same endpoint with other details, else the latest requests.
                let near = JournalQuery.relaxed(filter)
                let nearest = entries.filter { near.matches($0) && !filter.matches($0) }.suffix(5)
                result["nearest"] = .array((nearest.isEmpty ? entries.filter { $0.event == nil }.suffix(5) : nearest).map(\.json))
            }
            results.append(.object(result))
        }
        return json(failed ? .conflict : .ok, ["verified": .bool(!failed), "expectations": .array(results)])
    }

    /// The HTTPS listener's certificates, or 404 saying how to turn HTTPS on.
    private func tlsIdentities() throws -> TLSIdentities {
        guard let tls = server.tls else {
            throw Failure(status: .notFound, message: "HTTPS is off; start fakepbx serve with --https-port N (0 picks a free port)")
        }
        return tls
    }

    /// A control request that cannot be carried out: the status and what to do.
    struct Failure: Error {
        var status: HTTPResponse.Status
        var message: String
        var headers: HTTPFields = [:]
    }

    let server: PBXServer

    /// Answers a control request from `peer` (the TCP peer: `X-Forwarded-For` never decides who
    /// may drive the fake).
    func respond(to request: Request, peer: IPAddress) async -> Response {
        let route = String(request.uri.path.dropFirst(ControlAPI.prefix.count))
        let isHealth = route == "health" && (request.method == .get || request.method == .head)
        if !isHealth, let (status, message) = server.controlAccess.refusal(peer: peer, authorization: request.headers[.authorization]) {
            server.logger.notice("control API refused", metadata: ["client": "\(peer)", "path": "\(request.uri.path)"])
            return json(HTTPResponse.Status(code: status), ["error": .string(message)])
        }
        do {
            return try await dispatch(request, route: route, peer: peer)
        } catch let failure as Failure {
            var response = json(failure.status, ["error": .string(failure.message)])
            response.headers.append(contentsOf: failure.headers)
            return response
        } catch {
            return json(.badRequest, ["error": .string("\(error)")])
        }
    }

    private func dispatch(_ request: Request, route: String, peer: IPAddress) async throws -> Response {
        let parts = route.split(separator: "/", maxSplits: 1).map(String.init)
        let now = server.clock.now
        switch (request.method, parts.first ?? "", parts.count > 1 ? parts[1] : nil) {
        case (.get, "health", nil), (.head, "health", nil):
            return json(.ok, [
                "status": "ok", "pbx_version": .string(server.pbxVersion.text),
                "answers_as": .string(server.pbxVersion.model.version.text),
            ])

        case (.get, "tls", nil):
            return json(.ok, try tlsIdentities().json)
        case (.get, "tls", "ca.pem"):
            return Response(
                status: .ok, headers: [.contentType: "application/x-pem-file"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: try tlsIdentities().caPEM))
            )
        case (.post, "tls", nil), (.put, "tls", nil):
            let identities = try tlsIdentities()
            guard let name = string(try await document(request, keys: ["mode"]), request, "mode") else {
                throw Failure(status: .badRequest, message: "give the mode, e.g. {\"mode\": \"expired\"}; modes: \(TLSMode.names)")
            }
            guard let mode = TLSMode(rawValue: name) else {
                throw Failure(status: .badRequest, message: "unknown TLS mode '\(name)'; expected one of: \(TLSMode.names)")
            }
            identities.mode = mode
            server.logger.notice("TLS mode changed", metadata: ["mode": "\(mode.rawValue)"])
            return json(.ok, identities.json)

        case (.get, "clock", nil):
            return json(.ok, clockJSON())
        case (.post, "clock", let action?):
            let body = try await document(request, keys: ["seconds", "epoch", "time"])
            switch action {
            case "freeze": server.virtualClock.freeze()
            case "resume": server.virtualClock.resume()
            case "reset": server.virtualClock.reset()
            case "advance":
                guard let seconds = try number(body, request, "seconds", in: InputLimits.seconds) else {
                    throw Failure(status: .badRequest, message: "give the seconds to advance, e.g. {\"seconds\": 3600}")
                }
                server.virtualClock.advance(by: seconds)
            case "set":
                if let epoch = try number(body, request, "epoch", in: InputLimits.epoch) {
                    server.virtualClock.set(to: epoch)
                } else if let text = string(body, request, "time"), let epoch = Timestamp.parseISO8601(text) {
                    server.virtualClock.set(to: epoch)
                } else {
                    throw Failure(status: .badRequest, message: "give {\"time\": \"2026-11-23T12:00:00Z\"} or {\"epoch\": 1795435200}")
                }
            default:
                throw notFound(request)
            }
            server.journal.event("clock", client: peer, time: server.clock.now, detail: "clock \(action) through the control API; now \(Timestamp.iso8601(Int(server.clock.now)))")
            server.timeline.tick(server)
            return json(.ok, clockJSON())

        case (.get, "jails", nil):
            let jails = server.policies.jails
            let failures = jails.failures(now: now)
            let list: [JSONValue] = jails.rules.keys.sorted().map { name in
                let rule = jails.rules[name]!
                let counted: [JSONValue] = (failures[name] ?? [:]).sorted { $0.key.description < $1.key.description }.map {
                    ["address": .string($0.key.description), "failures": .int($0.value)]
                }
                return [
                    "name": .string(name), "maxretry": .int(rule.maxRetry), "findtime": .int(rule.findTime), "bantime": .int(rule.banTime),
                    "failures": .array(counted),
                ]
            }
            return json(.ok, [
                "jails": .array(list), "ban_action": .string(server.policies.banAction.rawValue),
                "ignoreip": .array(jails.ignoreIP.map { .string($0.description) }), "bans": bansJSON(now: now),
            ])
        case (.get, "bans", nil):
            return json(.ok, ["bans": bansJSON(now: now)])
        case (.post, "bans", nil):
            let body = try await document(request, keys: ["address", "jail", "seconds"])
            guard let text = string(body, request, "address"), let address = IPAddress(text) else {
                throw Failure(status: .badRequest, message: "give the address to ban, e.g. {\"address\": \"203.0.113.5\", \"jail\": \"fusionpbx\", \"seconds\": 3600}")
            }
            let jail = string(body, request, "jail") ?? JailName.fusionpbx
            let ban = server.policies.jails.ban(address, jail: jail, seconds: try number(body, request, "seconds", in: InputLimits.seconds), now: now)
            server.journal.event("ban-started", client: address, time: now, applied: ["ban:\(ban.jail)"], detail: "banned through the control API until \(Timestamp.iso8601(Int(ban.until)))")
            return json(.ok, ["ban": banJSON(ban)])
        case (.delete, "bans", nil):
            for ban in server.policies.jails.bans(now: now) {
                server.policies.jails.unban(ban.address)
                server.journal.event("ban-lifted", client: ban.address, time: now, detail: "unbanned through the control API")
            }
            return json(.ok, ["status": "every ban lifted"])
        case (.delete, "bans", let text?):
            guard let address = IPAddress(text.removingPercentEncoding ?? text) else {
                throw Failure(status: .badRequest, message: "'\(text)' is not an IP address")
            }
            let lifted = server.policies.jails.unban(address)
            if lifted { server.journal.event("ban-lifted", client: address, time: now, detail: "unbanned through the control API") }
            return json(lifted ? .ok : .notFound, ["address": .string(address.description), "unbanned": .bool(lifted)])

        case (.get, "ratelimits", nil):
            let limiter = server.policies.rateLimiter
            var rules = JSONObject()
            for rateClass in RateLimitClass.allCases {
                let rule = limiter.currentRules[rateClass]
                rules[rateClass.rawValue] = rule.map { ["limit": .int($0.limit), "window": .int($0.window)] } ?? .null
            }
            let counters: [JSONValue] = limiter.counters(now: now).map {
                ["class": .string($0.rateClass.rawValue), "key": .string($0.key), "count": .int($0.count), "limit": .int($0.limit), "reset": .int($0.reset)]
            }
            return json(.ok, ["key": .string(limiter.keyedBy.rawValue), "rules": .object(rules), "counters": .array(counters)])
        case (.delete, "ratelimits", nil):
            server.policies.rateLimiter.reset()
            return json(.ok, ["status": "counters reset"])

        case (.get, "whitelist", nil):
            return json(.ok, whitelistJSON())
        case (.put, "whitelist", nil):
            let bytes = try await body(request)
            let whitelist: Whitelist
            if request.headers[.contentType]?.hasPrefix("application/json") == true {
                let document = try ControlAPI.parse(bytes, keys: ["entries"])
                guard let items = document["entries"]?.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                    throw Failure(status: .badRequest, message: "give the whole list as {\"entries\": [\"127.0.0.1\", \"203.0.113.0/24\"]} (an empty list denies everyone)")
                }
                whitelist = try Whitelist(parsing: items.compactMap(\.stringValue).joined(separator: "\n"), source: "PUT /__fakepbx/whitelist")
            } else {
                whitelist = try Whitelist(parsing: String(decoding: bytes, as: UTF8.self), source: "PUT /__fakepbx/whitelist")
            }
            server.policy.replaceWhitelist(whitelist)
            return json(.ok, whitelistJSON())
        case (.post, "whitelist", nil):
            let body = try await document(request, keys: ["entry"])
            guard let entry = string(body, request, "entry"), let block = CIDRBlock(entry) else {
                throw Failure(status: .badRequest, message: "give an IP address or CIDR block, e.g. {\"entry\": \"203.0.113.0/24\"}")
            }
            var whitelist = server.policy.whitelist
            if !whitelist.entries.contains(block) { whitelist.entries.append(block) }
            server.policy.replaceWhitelist(whitelist)
            return json(.ok, whitelistJSON())

        case (.get, "state", nil):
            let data = try server.store.snapshot.encodedJSON()
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        case (.put, "state", nil):
            let dataset = try Dataset.decode(Data(try await body(request, limit: 256 << 20)), source: "PUT /__fakepbx/state")
            try server.store.write { $0 = dataset }
            return json(.ok, ["status": "state replaced", "domains": .int(dataset.domains.count), "cdrs": .int(dataset.cdrs.count)])

        case (.get, "violations", nil):
            guard let verifier = server.clientVerifier else {
                return json(.ok, [
                    "enabled": false, "count": 0, "violations": [],
                    "hint": "start fakepbx with --verify-client to check the client's requests against the contracts",
                ])
            }
            let (entries, dropped) = verifier.recorded
            return json(.ok, [
                "enabled": true, "mode": .string(verifier.mode.rawValue), "count": .int(entries.count), "dropped": .int(dropped),
                "violations": .array(entries.map(\.json)),
            ])
        case (.delete, "violations", nil):
            server.clientVerifier?.clear()
            return json(.ok, ["status": "cleared"])

        case (.get, "faults", nil):
            return json(.ok, faultsJSON())
        case (.post, "faults", nil):
            let body = try await document(request)
            let items: [JSONValue] = body.arrayValue ?? [body]
            var added: [Fault] = []
            let existing = server.faults.list.count
            for (index, item) in items.enumerated() {
                do {
                    added.append(try Fault(item, pointer: body.arrayValue == nil ? "" : "/\(index)", now: now, index: existing + index))
                } catch {
                    throw Failure(status: .badRequest, message: "\(error)")
                }
            }
            for fault in added { server.faults.add(fault) }
            return json(.ok, faultsJSON())
        case (.delete, "faults", nil):
            server.faults.removeAll()
            return json(.ok, faultsJSON())
        case (.delete, "faults", let id?):
            let removed = server.faults.remove(id: id.removingPercentEncoding ?? id)
            return json(removed ? .ok : .notFound, removed ? faultsJSON() : ["error": .string("no fault with id '\(id)'")])

        case (.get, "replay", nil):
            guard let replay = server.replay else {
                return json(.ok, ["enabled": false, "hint": "start fakepbx with --replay CASSETTE to answer from recordings"])
            }
            let counts = replay.counts
            return json(.ok, [
                "enabled": true,
                "cassettes": .array(replay.cassettes.map { ["path": .string($0.path), "name": .string($0.cassette.name), "exchanges": .int($0.cassette.exchanges.count)] }),
                "served": .int(counts.served), "missed": .int(counts.missed),
                "recent": .array(server.journal.recent(100).compactMap { entry -> JSONValue? in
                    guard let label = entry.applied.first(where: { $0.hasPrefix("replay") }) else { return nil }
                    let redacted = entry.applied.first { $0.hasPrefix("replay-redacted:") }.map {
                        $0.dropFirst("replay-redacted:".count).split(separator: ",").map { JSONValue.string(String($0)) }
                    } ?? []
                    return [
                        "time": .string(Timestamp.iso8601(Int(entry.time))), "method": .string(entry.method), "path": .string(entry.path),
                        "served_by": .string(label), "matched_by_redaction": .array(redacted),
                    ]
                }),
            ])
        case (.post, "replay", "rewind"):
            server.replay?.rewind()
            return json(.ok, ["status": "every recorded sequence starts again"])

        case (.get, "journal", nil):
            let limit = try number([:], request, "limit", in: 1...Double(RequestJournal.capacity), unit: "entries").map { Int($0) }
                ?? RequestJournal.capacity
            let filter = try JournalQuery(FormEncoding.decode(request.uri.query ?? ""), ignoring: ["limit"])
            let entries = Array(server.journal.recent().filter(filter.matches).suffix(limit))
            return json(.ok, ["count": .int(entries.count), "requests": .array(entries.map(\.json))])
        case (.get, "journal", "count"):
            let filter = try JournalQuery(FormEncoding.decode(request.uri.query ?? ""))
            return json(.ok, ["count": .int(server.journal.recent().filter(filter.matches).count)])
        case (.post, "verify", nil):
            return try verify(try await document(request))
        case (.delete, "journal", nil):
            server.journal.clear()
            return json(.ok, ["status": "cleared"])

        case (.get, "scenario", nil):
            return json(.ok, ["steps": server.timeline.json])
        case (.post, "scenario", nil):
            let text = String(decoding: try await body(request), as: UTF8.self)
            let scenario: Scenario
            do {
                scenario = try Scenario(text: text, file: "POST /__fakepbx/scenario", origin: .posted(folder: server.scenarioFolder))
            } catch {
                throw Failure(status: .badRequest, message: "\(error)")
            }
            let fixed = scenario.startupOnlySettings
            guard fixed.isEmpty else {
                throw Failure(status: .badRequest, message: "\(fixed.joined(separator: ", ")) can only be set at start-up (fakepbx serve --scenario FILE); remove them to load this scenario at run time")
            }
            if let whitelist = scenario.whitelist { server.policy.replaceWhitelist(whitelist) }
            for (rateClass, rule) in scenario.rateLimits { server.policies.rateLimiter.setRule(rule, for: rateClass) }
            if let profile = scenario.fail2banProfile {
                for jail in JailName.all { server.policies.jails.setRule(profile.rules[jail], for: jail) }
            }
            for (jail, rule) in scenario.jails { server.policies.jails.setRule(rule, for: jail) }
            server.timeline.start(scenario, on: server)
            return json(.ok, ["status": .string("scenario \(scenario.name) started"), "steps": server.timeline.json, "faults": faultsJSON()["faults"] ?? []])

        case (.post, "reset", nil):
            let body = try await document(request, keys: ["dataset"])
            let dataset = string(body, request, "dataset") ?? "keep"
            guard ["keep", "initial"].contains(dataset) else {
                throw Failure(status: .badRequest, message: "dataset '\(dataset)' is not valid; expected keep (the default: tenant changes stay) or initial (the dataset the server started with)")
            }
            server.journal.clear()
            server.timeline.reset()
            server.faults.removeAll()
            server.policies.rateLimiter.reset()
            server.policies.jails.reset()
            server.clientVerifier?.clear()
            server.virtualClock.reset()
            if dataset == "initial" {
                server.store.restoreInitial()
                return json(.ok, ["status": "scenario steps, faults, counters, bans, violations, the journal and the clock reset; the dataset is the one the server started with", "dataset": "initial"])
            }
            return json(.ok, [
                "status": "scenario steps, faults, counters, bans, violations, the journal and the clock reset; tenant data kept (add ?dataset=initial to return to the dataset the server started with)",
                "dataset": "kept",
            ])

        default:
            throw notFound(request)
        }
    }

    /// 405 with `Allow` when the path is a control route for other methods (docs/api.md), else 404.
    private func notFound(_ request: Request) -> Failure {
        let allowed = ControlAPI.methods(forPath: request.uri.path)
        if !allowed.isEmpty {
            return Failure(
                status: .methodNotAllowed,
                message: "\(request.uri.path) does not take \(request.method.rawValue); it takes \(allowed.joined(separator: ", "))",
                headers: [.allow: allowed.joined(separator: ", ")]
            )
        }
        return Failure(status: .notFound, message: "no control route \(request.method.rawValue) \(request.uri.path); routes: \(ControlAPI.routes.joined(separator: "; "))")
    }

    /// The methods `routes` lists for `path`; `ADDRESS` and `ID` stand for any one segment.
    static func methods(forPath path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var methods: [String] = []
        for route in routes {
            let parts = route.split(separator: " ", maxSplits: 2)
            let pattern = parts[1].prefix { $0 != "?" }.split(separator: "/", omittingEmptySubsequences: false)
            guard pattern.count == segments.count else { continue }
            let matches = zip(pattern, segments).allSatisfy { $0 == $1 || (($0 == "ADDRESS" || $0 == "ID") && !$1.isEmpty) }
            if matches, !methods.contains(String(parts[0])) { methods.append(String(parts[0])) }
        }
        return methods
    }

    private func faultsJSON() -> JSONValue {
        ["faults": .array(server.faults.list.map { entry in
            guard case .object(var object) = entry.fault.json else { return entry.fault.json }
            object["matched"] = .int(entry.matched)
            object["fired"] = .int(entry.fired)
            return .object(object)
        })]
    }

    private func clockJSON() -> JSONValue {
        let now = server.clock.now
        return ["now": .string(Timestamp.iso8601(Int(now))), "epoch": .double((now * 1000).rounded() / 1000), "frozen": .bool(server.virtualClock.isFrozen)]
    }

    private func banJSON(_ ban: Jails.Ban) -> JSONValue {
        [
            "address": .string(ban.address.description), "jail": .string(ban.jail),
            "since": .string(Timestamp.iso8601(Int(ban.since))), "until": .string(Timestamp.iso8601(Int(ban.until))),
        ]
    }

    private func bansJSON(now: Double) -> JSONValue { .array(server.policies.jails.bans(now: now).map(banJSON)) }

    private func whitelistJSON() -> JSONValue {
        ["entries": .array(server.policy.whitelist.entries.map { .string($0.description) })]
    }

    private func body(_ request: Request, limit: Int = 1 << 20) async throws -> [UInt8] {
        var request = request
        let buffer = try await request.collectBody(upTo: limit)
        return Array(buffer.readableBytesView)
    }

    /// The JSON object body, or an empty object when there is none.
    /// The JSON body; with `keys`, an object whose members are all among them (a misspelt key is
    /// refused, never read as "not given").
    private func document(_ request: Request, keys: [String]? = nil) async throws -> JSONValue {
        try ControlAPI.parse(try await body(request), keys: keys)
    }

    static func parse(_ bytes: [UInt8], keys: [String]?) throws -> JSONValue {
        guard !bytes.isEmpty else { return [:] }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw Failure(status: .badRequest, message: "the body is not valid JSON: \(error)")
        }
        if let keys, case .object(let object) = value, let unknown = object.keys.first(where: { !keys.contains($0) }) {
            throw Failure(status: .badRequest, message: "unknown key '\(unknown)'; expected: \(keys.joined(separator: ", "))")
        }
        return value
    }

    private func queryValue(_ request: Request, _ name: String) -> String? {
        FormEncoding.decode(request.uri.query ?? "")[name]
    }

    private func string(_ body: JSONValue, _ request: Request, _ name: String) -> String? {
        body[name]?.stringValue ?? queryValue(request, name)
    }

    /// A number from the body or the query string, `nil` when absent; 400 when it is not a finite
    /// number within `range` (NaN, 1e300 and negative durations never reach the clock or a ban).
    private func number(
        _ body: JSONValue, _ request: Request, _ name: String, in range: ClosedRange<Double>, unit: String = "seconds"
    ) throws -> Double? {
        let text: String
        if case .number(let n)? = body[name] {
            text = n.literal
        } else if let given = body[name]?.stringValue ?? queryValue(request, name) {
            text = given
        } else {
            return nil
        }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw Failure(status: .badRequest, message: "\(name) '\(text.prefix(40))' is not valid: expected \(InputLimits.describe(range, unit: unit))")
        }
        return value
    }

    private func json(_ status: HTTPResponse.Status, _ body: JSONValue) -> Response {
        var bytes = body.serializedBytes()
        bytes.append(UInt8(ascii: "\n"))
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

import ContractKit
import Hummingbird
import JSONSchema

extension ControlAPI {
    /// The client contract's violations (`--verify-client`).
    static let violationRoutes: [ControlRoute] = [
        ControlRoute(.get, "violations") { api, _ in
            guard let verifier = api.server.clientVerifier else {
                return api.json(
                    .ok,
                    [
                        "enabled": false, "count": 0, "violations": [],
                        "hint": "start fakepbx with --verify-client to check the client's requests against the contracts",
                    ])
            }
            let (entries, dropped) = verifier.recorded
            return api.json(
                .ok,
                [
                    "enabled": true, "mode": .string(verifier.mode.rawValue), "count": .int(entries.count), "dropped": .int(dropped),
                    "violations": .array(entries.map(\.json)),
                ])
        },
        ControlRoute(.delete, "violations") { api, _ in
            api.server.clientVerifier?.clear()
            return api.json(.ok, ["status": "cleared"])
        },
    ]

    /// Replay from recordings (`--replay`).
    static let replayRoutes: [ControlRoute] = [
        ControlRoute(.get, "replay") { api, _ in api.json(.ok, api.replayJSON()) },
        ControlRoute(.post, "replay/rewind") { api, _ in
            api.server.replay?.rewind()
            return api.json(.ok, ["status": "every recorded sequence starts again"])
        },
    ]

    /// The request journal: query it, count in it, verify expectations against it, clear it.
    static let journalRoutes: [ControlRoute] = [
        ControlRoute(
            .get, "journal", usage: "GET /__fakepbx/journal?limit=N&endpoint=&action=&method=&status=&client=&since=&fault=&event=&format=har"
        ) { api, call in
            let request = call.request
            let limit =
                try api.number([:], request, "limit", in: 1...Double(RequestJournal.capacity), unit: "entries").map { Int($0) }
                ?? RequestJournal.capacity
            let filter = try JournalQuery(FormEncoding.decode(request.uri.query ?? ""), ignoring: ["limit", "format"])
            let entries = Array(api.server.journal.recent().filter(filter.matches).suffix(limit))
            switch api.queryValue(request, "format") {
            case nil, "json":
                // Each entry's text is made once and kept: a second read copies bytes.
                var text = Array("{\"count\":\(entries.count),\"requests\":[".utf8)
                text.reserveCapacity(entries.reduce(text.count + 4) { $0 + $1.rendered.size })
                for (index, entry) in entries.enumerated() {
                    if index > 0 { text.append(UInt8(ascii: ",")) }
                    text.append(contentsOf: entry.jsonText)
                }
                text.append(contentsOf: "]}\n".utf8)
                return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
            case "har":
                // HAR 1.2 holds requests only: the journal's events are left out.
                let host = request.head.authority ?? "localhost"
                return api.json(
                    .ok, Cassette(name: "journal", source: "GET /__fakepbx/journal", exchanges: entries.compactMap { $0.exchange(host: host) }).har)
            case let format?:
                throw Failure(status: .badRequest, message: "format '\(format)' is not one the journal is written in; expected json or har")
            }
        },
        ControlRoute(.get, "journal/count", usage: "GET /__fakepbx/journal/count?…") { api, call in
            let filter = try JournalQuery(FormEncoding.decode(call.request.uri.query ?? ""))
            // Counted over the tally of every entry since the last clear, not the ring's last 500.
            let (tallies, untallied) = api.server.journal.tallied()
            var answer: JSONObject = ["count": .int(tallies.filter(filter.matches).count), "complete": .bool(untallied == 0)]
            if untallied > 0 {
                answer["untallied"] = .int(untallied)
                answer["note"] = .string(RequestJournal.untalliedNote(untallied))
            }
            return api.json(.ok, .object(answer))
        },
        ControlRoute(.get, "journal/ID", usage: "GET /__fakepbx/journal/SEQUENCE (one entry with the answer sent)") { api, call in
            guard let sequence = Int(call.parameter), let entry = api.server.journal.entry(sequence) else {
                throw Failure(
                    status: .notFound,
                    message:
                        "no journal entry '\(call.parameter)': the journal keeps the last \(RequestJournal.capacity); GET /__fakepbx/journal lists them with their sequence"
                )
            }
            var object = JSONObject()
            entry.writeMembers(to: &object)
            object["answer"] = entry.answer?.json ?? .null
            return api.json(.ok, .object(object))
        },
        ControlRoute(.post, "verify", usage: "POST /__fakepbx/verify {endpoint, …, count|min|max|never}") { api, call in
            try api.verify(try await api.document(call.request))
        },
        ControlRoute(.delete, "journal") { api, _ in
            api.server.journal.clear()
            return api.json(.ok, ["status": "cleared"])
        },
    ]

    private func replayJSON() -> JSONValue {
        guard let replay = server.replay else {
            return ["enabled": false, "hint": "start fakepbx with --replay CASSETTE to answer from recordings"]
        }
        let counts = replay.counts
        return [
            "enabled": true,
            "cassettes": .array(
                replay.cassettes.map {
                    ["path": .string($0.path), "name": .string($0.cassette.name), "exchanges": .int($0.cassette.exchanges.count)]
                }),
            "mode": .string(replay.mode.rawValue), "left_out": .int(replay.leftOut),
            "served": .int(counts.served), "missed": .int(counts.missed),
            "recent": .array(
                server.journal.recent(100).compactMap { entry -> JSONValue? in
                    guard let label = entry.applied.first(where: { $0.hasPrefix("replay") }) else { return nil }
                    let redacted =
                        entry.applied.first { $0.hasPrefix("replay-redacted:") }.map {
                            $0.dropFirst("replay-redacted:".count).split(separator: ",").map { JSONValue.string(String($0)) }
                        } ?? []
                    return [
                        "time": .string(Timestamp.iso8601(Int(entry.time))), "method": .string(entry.method), "path": .string(entry.path),
                        "served_by": .string(label), "matched_by_redaction": .array(redacted),
                    ]
                }),
        ]
    }

    /// `POST /__fakepbx/verify`: each expectation is a journal filter with `count`, `min`, `max` or
    /// `never`; 200 when all hold, 409 with what differed and the nearest entries otherwise.
    private func verify(_ document: JSONValue) throws -> Response {
        let items = document.arrayValue ?? [document]
        let bounds: Set<String> = ["count", "min", "max", "never"]
        var results: [JSONValue] = []
        var failed = false
        let (entries, _) = server.journal.held()
        let (tallies, untallied) = server.journal.tallied()
        for (index, item) in items.enumerated() {
            guard case .object(let object) = item else {
                throw Failure(
                    status: .badRequest, message: "expectation \(index + 1): expected an object such as {\"endpoint\": \"export_cdr\", \"count\": 3}")
            }
            let filter = try JournalQuery(try JournalQuery.values(of: object, keys: bounds))
            func bound(_ key: String) throws -> Int? {
                guard let value = object[key] else { return nil }
                guard case .number(let number) = value, let int = number.intValue, int >= 0 else {
                    throw Failure(status: .badRequest, message: "expectation \(index + 1): \(key) must be a whole number of at least 0")
                }
                return int
            }
            var minimum = try bound("min")
            var maximum = try bound("max")
            if let exact = try bound("count") { (minimum, maximum) = (exact, exact) }
            switch object["never"] {
            case nil, .bool(false)?: break
            case .bool(true)?: (minimum, maximum) = (0, 0)
            default: throw Failure(status: .badRequest, message: "expectation \(index + 1): never must be true or false")
            }
            if minimum == nil, maximum == nil { minimum = 1 }
            // Every entry since the last clear counts, whatever the ring still holds.
            let matching = tallies.filter(filter.matches)
            var holds = (minimum.map { matching.count >= $0 } ?? true) && (maximum.map { matching.count <= $0 } ?? true)
            var result: JSONObject = ["expectation": item, "matched": .int(matching.count), "holds": .bool(holds)]
            // With entries not tallied, only a minimum already met is certain: they could match too.
            if untallied > 0, !(holds && maximum == nil) {
                failed = true
                holds = false
                result["holds"] = false
                result["message"] = .string("cannot tell: " + RequestJournal.untalliedNote(untallied))
            } else if !holds {
                failed = true
                let expected =
                    minimum == maximum
                    ? "exactly \(minimum!)"
                    : [minimum.map { "at least \($0)" }, maximum.map { "at most \($0)" }].compactMap { $0 }.joined(separator: " and ")
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
}

import ContractKit
import Foundation
import HTTPTypes
import Hummingbird
import JSONSchema
import NIOCore

extension ControlAPI {
    /// The journal, live, as Server-Sent Events (`curl -N`, or `EventSource` in a browser).
    static let eventRoutes: [ControlRoute] = [
        ControlRoute(.get, "events", usage: "GET /__fakepbx/events?endpoint=&status=&client=&event=… (Server-Sent Events)") { api, call in
            try api.events(call)
        }
    ]

    /// One event per journal entry from now on: `event: request` for an answered request, else the
    /// entry's own kind (`ban-started`, `clock`, `tls-handshake-failed`…); `id:` is its sequence, and
    /// `data:` the entry as `GET /__fakepbx/journal` shows it. The journal's filters apply. With
    /// `Last-Event-ID` (an `EventSource` reconnecting), the entries after it still in the journal
    /// come first; an id this server never gave (it restarted since) brings every entry it holds.
    private func events(_ call: ControlCall) throws -> Response {
        let filter = try JournalQuery(FormEncoding.decode(call.request.uri.query ?? ""))
        let journal = server.journal
        // Subscribed before the backlog is read, so nothing recorded in between is lost.
        guard let subscription = journal.feed.subscribe() else {
            throw Failure(
                status: .serviceUnavailable,
                message:
                    "\(JournalFeed.maxSubscriptions) event streams are open, the most one server keeps so that they cannot slow its API; close one (a dashboard tab, a curl -N) and connect again"
            )
        }
        var lastID = call.request.headers[.lastEventID].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0
        if lastID > journal.lastSequence { lastID = 0 }
        let resumed = call.request.headers[.lastEventID] != nil
        let missed = resumed ? journal.recent().filter { $0.sequence > lastID } : []
        let seen = missed.last?.sequence ?? lastID
        let headers: HTTPFields = [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache", .xAccelBuffering: "no"]
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                // However the stream ends (the client went, the server stops), the feed forgets it.
                defer { subscription.close() }
                try await writer.write(ByteBuffer(string: "retry: 1000\n: fakepbx journal events\n\n"))
                var text: [UInt8] = []
                for entry in missed where filter.matches(entry) { Self.appendServerSentEvent(entry, to: &text) }
                if !text.isEmpty { try await writer.write(ByteBuffer(bytes: text)) }
                // Everything recorded since the last write goes out in one write, at most one a `writeInterval`.
                var lastWrite = ContinuousClock.now
                for await _ in subscription.wakeUps {
                    try await Task.sleep(until: lastWrite + JournalFeed.writeInterval)
                    lastWrite = .now
                    text.removeAll(keepingCapacity: true)
                    let (items, dropped) = subscription.take()
                    if dropped > 0 { text.append(contentsOf: ": \(dropped) events dropped: this reader was slower than the journal\n\n".utf8) }
                    for item in items {
                        switch item {
                        case .entry(let entry) where entry.sequence > seen && filter.matches(entry): Self.appendServerSentEvent(entry, to: &text)
                        case .entry: continue
                        case .heartbeat: text.append(contentsOf: ": keep-alive\n\n".utf8)
                        }
                    }
                    if !text.isEmpty { try await writer.write(ByteBuffer(bytes: text)) }
                }
                try await writer.finish(nil)
            })
    }

    /// Appends an entry in the event-stream format; the JSON is one line, so one `data:` field holds it.
    static func appendServerSentEvent(_ entry: RequestJournal.Entry, to text: inout [UInt8]) {
        text.append(contentsOf: "id: \(entry.sequence)\nevent: \(entry.event ?? "request")\ndata: ".utf8)
        text.append(contentsOf: entry.jsonText)
        text.append(contentsOf: "\n\n".utf8)
    }
}

extension HTTPField.Name {
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
    /// Asks nginx, when it proxies the control API, not to buffer the stream.
    static let xAccelBuffering = HTTPField.Name("X-Accel-Buffering")!
}

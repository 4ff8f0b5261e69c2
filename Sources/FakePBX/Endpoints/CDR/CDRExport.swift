import Foundation
import NIOCore

/// An export document produced in pieces: JSON (the documented summary, then the records, oldest
/// first), CSV as FusionPBX's `xml_cdr_export.php` writes it (its columns for the release, newest first),
/// or XML. Any number of records streams in the memory of a few batches.
///
/// Calls are merged into start order cheaply (their first stage only) and handed out in batches; the
/// costly part, building the legs and writing the rows, runs on every core when streamed
/// (``stream(_:)``), and the batches are written in order.
public struct CDRExport: BodyProducer {
    public enum Format: String, Sendable, CaseIterable {
        case json = "JSON"
        case csv = "CSV"
        case xml = "XML"

        public var contentType: String { document.contentType }
    }

    public let format: Format
    private var items: CDRItems
    private let renderer: CDRBatchRenderer
    private var header: [UInt8]
    private let trailer: [UInt8]
    private var started = false
    private var finished = false
    /// Whether no row has been written yet (JSON rows after the first are preceded by a comma).
    private var first = true
    /// Bytes of separator before the first row, left out.
    private let skipFirstSeparator: Int
    /// Records written so far.
    public private(set) var written = 0

    public static let chunkSize = 64 * 1024

    /// `total` is written in the summary before the records, so it must be the selection's count.
    /// The columns are those of `selection.context`'s release.
    public init(format: Format, selection: CDRSelection, total: Int, dateRange: String) {
        self.format = format
        let document = format.document
        items = selection.items(newestFirst: document.newestFirst)
        renderer = CDRBatchRenderer(document: document, context: selection.context, generator: items.generator)
        header = document.header(total: total, dateRange: dateRange, context: selection.context)
        trailer = document.trailer(total: total)
        skipFirstSeparator = document.separator == nil ? 0 : 1
    }

    /// Items per batch: a few MB of rows at most.
    static let batchSize = 512

    private mutating func nextBatch(_ size: Int) -> [CDRItem] {
        var batch: [CDRItem] = []
        batch.reserveCapacity(size)
        while batch.count < size, let item = items.next() { batch.append(item) }
        return batch
    }

    /// `rows` as they follow what was written before: without the leading comma of the first JSON row.
    private mutating func placed(_ rows: CDRBatchRenderer.Rows) -> UnsafeRawBufferPointer {
        written += rows.count
        guard rows.count > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let skip = first ? skipFirstSeparator : 0
        first = false
        return UnsafeRawBufferPointer(start: rows.sink.base + skip, count: rows.sink.count - skip)
    }

    public mutating func nextChunk() -> [UInt8]? {
        guard !finished else { return nil }
        var out: [UInt8] = []
        if !started {
            started = true
            out += header
        }
        while out.count < Self.chunkSize {
            let batch = nextBatch(64)
            if batch.isEmpty {
                finished = true
                out += trailer
                break
            }
            let rows = renderer.render(batch)
            out += placed(rows)
            withExtendedLifetime(rows) {}
        }
        return out
    }

    /// The rest of the document, rendered on every core, written in order.
    public mutating func stream(_ emit: (ByteBuffer) async throws -> Void) async throws {
        guard !finished else { return }
        if !started {
            started = true
            try await emit(ByteBuffer(bytes: header))
        }
        let renderer = self.renderer
        let lanes = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
        try await withThrowingTaskGroup(of: (Int, CDRBatchRenderer.Rows).self) { group in
            var sent = 0
            var done: [Int: CDRBatchRenderer.Rows] = [:]
            var exhausted = false
            var inFlight = 0
            while true {
                // A stopping server cancels this task; the batches in flight are short, but the
                // rest of a million-record export is not, and a client gone mid-export wants none.
                try Task.checkCancellation()
                while !exhausted && inFlight < lanes + 1 {
                    let batch = nextBatch(Self.batchSize)
                    if batch.isEmpty {
                        exhausted = true
                        break
                    }
                    let number = sent + inFlight + done.count
                    group.addTask { (number, await renderer.renderOffLoop(batch)) }
                    inFlight += 1
                }
                guard inFlight > 0 else { break }
                guard let (number, rows) = try await group.next() else { break }
                inFlight -= 1
                done[number] = rows
                while let rows = done.removeValue(forKey: sent) {
                    let buffer = ByteBuffer(bytes: placed(rows))
                    withExtendedLifetime(rows) {}
                    if buffer.readableBytes > 0 { try await emit(buffer) }
                    sent += 1
                }
            }
        }
        finished = true
        try await emit(ByteBuffer(bytes: trailer))
    }

}

/// Builds a batch's records and writes their rows; the same for every batch, so batches can be
/// rendered on any thread.
struct CDRBatchRenderer: Sendable {
    /// A rendered batch. Its sink passes from the worker that wrote it to the writer, never shared.
    struct Rows: @unchecked Sendable {
        /// Rows each start with the format's separator, if it has one.
        let sink: ByteSink
        let count: Int
    }

    let document: any CDRDocumentFormat
    let context: CDRRenderContext
    let generator: CDRGenerator?

    /// Renders on a Dispatch worker (see ``offTheEventLoop(_:)``), so batches use every core.
    func renderOffLoop(_ batch: [CDRItem]) async -> Rows {
        await offTheEventLoop { render(batch) }
    }

    func render(_ batch: [CDRItem]) -> Rows {
        var context = self.context
        var count = 0
        let sink = ByteSink(capacity: batch.count * document.rowSize)
        let separator = document.separator
        for index in batch.indices {
            var records = batch[index].records(generator: generator)
            // Newest first, the legs of a call too (a b-leg starts up to a second after its a-leg).
            if document.newestFirst, records.count > 1 { records.sort { $0.startEpoch > $1.startEpoch } }
            for i in records.indices {
                if let separator { sink.append(separator) }
                document.row(records[i], into: sink, context: &context)
                count += 1
            }
        }
        return Rows(sink: sink, count: count)
    }
}

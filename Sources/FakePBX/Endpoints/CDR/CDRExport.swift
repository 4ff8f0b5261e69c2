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
        case json = "JSON", csv = "CSV", xml = "XML"

        public var contentType: String {
            switch self {
            case .json: "application/json"
            // xml_cdr_export.php: header('Content-type: application/octet-binary')
            case .csv: "application/octet-binary"
            case .xml: "application/xml; charset=utf-8"
            }
        }
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
    /// Records written so far.
    public private(set) var written = 0

    public static let chunkSize = 64 * 1024

    /// `total` is written in the summary before the records, so it must be the selection's count.
    /// The columns are those of `selection.context`'s release.
    public init(format: Format, selection: CDRSelection, total: Int, dateRange: String) {
        self.format = format
        items = selection.items(newestFirst: format == .csv)
        renderer = CDRBatchRenderer(format: format, context: selection.context, generator: items.generator)
        let header = ByteSink(capacity: 512)
        switch format {
        case .json:
            header.append(#"{"status":"success","message":"CDR export completed","total_records":"# as StaticString)
            header.append(total)
            header.append(#","date_range":"# as StaticString)
            ByteText.jsonString(dateRange, into: header)
            header.append(#","export_format":"JSON","records":["# as StaticString)
        case .csv:
            // The header is the keys of the first row: with no rows, the script's two loops write
            // only their line ends (app/xml_cdr/xml_cdr_export.php).
            if total > 0 { header.append(selection.context.csvColumns.map { "\"\($0.rawValue)\"" }.joined(separator: ",")) }
            header.append(UInt8(ascii: "\n"))
        case .xml:
            header.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<cdr_export status=\"success\" total_records=\"\(total)\" date_range=\"")
            ByteText.xmlEscaped(dateRange, into: header)
            header.append("\">\n" as StaticString)
        }
        self.header = header.bytes
        trailer = switch format {
        case .json: Array("]}".utf8)
        case .csv: total > 0 ? [] : [UInt8(ascii: "\n")]
        case .xml: Array("</cdr_export>\n".utf8)
        }
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
        let skip = format == .json && first ? 1 : 0
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
        /// JSON rows each start with a comma.
        let sink: ByteSink
        let count: Int
    }

    let format: CDRExport.Format
    let context: CDRRenderContext
    let generator: CDRGenerator?

    /// Renders on a Dispatch worker (see ``offTheEventLoop(_:)``), so batches use every core.
    func renderOffLoop(_ batch: [CDRItem]) async -> Rows {
        await offTheEventLoop { render(batch) }
    }

    func render(_ batch: [CDRItem]) -> Rows {
        var context = self.context
        var count = 0
        let sink = ByteSink(capacity: batch.count * (format == .xml ? 2600 : format == .json ? 1400 : 700))
        var json = JSONRowWriter(sink: sink, numbersAsStrings: context.numbersAsStrings)
        var xml = XMLRowWriter(sink: sink)
        for index in batch.indices {
            var records = batch[index].records(generator: generator)
            // Newest first, the legs of a call too (a b-leg starts up to a second after its a-leg).
            if format == .csv, records.count > 1 { records.sort { $0.startEpoch > $1.startEpoch } }
            for i in records.indices {
                switch format {
                case .json:
                    sink.append(UInt8(ascii: ","))
                    json.beginRow()
                    records[i].columns(into: &json, context: &context)
                    json.endRow()
                case .csv:
                    records[i].csvRow(into: sink, context: &context)
                case .xml:
                    sink.append("  <cdr>" as StaticString)
                    records[i].columns(into: &xml, context: &context)
                    sink.append("</cdr>\n" as StaticString)
                }
                count += 1
            }
        }
        return Rows(sink: sink, count: count)
    }
}

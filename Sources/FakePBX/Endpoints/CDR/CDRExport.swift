import Foundation

/// An export document produced in pieces: JSON (the documented summary, then the records), CSV with
/// FusionPBX's own columns, or XML. Any number of records streams in the memory of a few batches.
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
            case .csv: "text/csv; charset=utf-8"
            case .xml: "application/xml; charset=utf-8"
            }
        }
    }

    public let format: Format
    private var items: CDRItems
    private let renderer: CDRBatchRenderer
    private var header: [UInt8]
    private var started = false
    private var finished = false
    /// Whether no row has been written yet (JSON rows after the first are preceded by a comma).
    private var first = true
    /// Records written so far.
    public private(set) var written = 0

    public static let chunkSize = 64 * 1024

    /// `total` is written in the summary before the records, so it must be the selection's count.
    public init(format: Format, selection: CDRSelection, total: Int, dateRange: String) {
        self.format = format
        items = selection.items()
        renderer = CDRBatchRenderer(format: format, context: selection.context, generator: items.generator)
        var header: [UInt8] = []
        switch format {
        case .json:
            header += #"{"status":"success","message":"CDR export completed","total_records":"#.utf8
            ByteText.int(total, into: &header)
            header += #","date_range":"#.utf8
            ByteText.jsonString(dateRange, into: &header)
            header += #","export_format":"JSON","records":["#.utf8
        case .csv:
            header += CallDetailRecord.csvColumns.map { "\"\($0)\"" }.joined(separator: ",").utf8
            header.append(UInt8(ascii: "\n"))
        case .xml:
            header += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<cdr_export status=\"success\" total_records=\"\(total)\" date_range=\"".utf8
            ByteText.xmlEscaped(dateRange, into: &header)
            header += "\">\n".utf8
        }
        self.header = header
    }

    /// Items per batch: a few MB of rows at most.
    static let batchSize = 1024

    private mutating func nextBatch(_ size: Int) -> [CDRItem] {
        var batch: [CDRItem] = []
        batch.reserveCapacity(size)
        while batch.count < size, let item = items.next() { batch.append(item) }
        return batch
    }

    /// `rows` as they follow what was written before: without the leading comma of the first JSON row.
    private mutating func placed(_ rows: CDRBatchRenderer.Rows) -> ArraySlice<UInt8> {
        written += rows.count
        guard rows.count > 0 else { return [] }
        defer { first = false }
        return format == .json && first ? rows.bytes.dropFirst() : rows.bytes[...]
    }

    private var trailer: [UInt8] {
        switch format {
        case .json: Array("]}".utf8)
        case .csv: []
        case .xml: Array("</cdr_export>\n".utf8)
        }
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
            out += placed(renderer.render(batch))
        }
        return out
    }

    /// The rest of the document, rendered on every core, written in order.
    public mutating func stream(_ emit: (ArraySlice<UInt8>) async throws -> Void) async throws {
        guard !finished else { return }
        if !started {
            started = true
            try await emit(header[...])
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
                    let bytes = placed(rows)
                    if !bytes.isEmpty { try await emit(bytes) }
                    sent += 1
                }
            }
        }
        finished = true
        try await emit(trailer[...])
    }

}

/// Builds a batch's records and writes their rows; the same for every batch, so batches can be
/// rendered on any thread.
struct CDRBatchRenderer: Sendable {
    struct Rows: Sendable {
        /// JSON rows each start with a comma.
        var bytes: [UInt8]
        var count: Int
    }

    let format: CDRExport.Format
    let context: CDRRenderContext
    let generator: CDRGenerator?

    /// Renders on a Dispatch worker: the server's tasks share the event loops, and rows are CPU work
    /// that should use every core without holding a loop.
    func renderOffLoop(_ batch: [CDRItem]) async -> Rows {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: render(batch)) }
        }
    }

    func render(_ batch: [CDRItem]) -> Rows {
        var context = self.context
        var count = 0
        switch format {
        case .json:
            var writer = JSONRowWriter()
            writer.bytes.reserveCapacity(batch.count * 1400)
            for item in batch {
                let records = item.records(generator: generator)
                for i in records.indices {
                    writer.bytes.append(UInt8(ascii: ","))
                    writer.beginRow()
                    records[i].columns(into: &writer, context: &context)
                    writer.endRow()
                    count += 1
                }
            }
            return Rows(bytes: writer.bytes, count: count)
        case .csv:
            var out: [UInt8] = []
            out.reserveCapacity(batch.count * 600)
            for item in batch {
                let records = item.records(generator: generator)
                for i in records.indices {
                    records[i].csvRow(into: &out, context: &context)
                    count += 1
                }
            }
            return Rows(bytes: out, count: count)
        case .xml:
            var writer = XMLRowWriter(bytes: [])
            writer.bytes.reserveCapacity(batch.count * 2600)
            for item in batch {
                let records = item.records(generator: generator)
                for i in records.indices {
                    writer.bytes += "  <cdr>".utf8
                    records[i].columns(into: &writer, context: &context)
                    writer.bytes += "</cdr>\n".utf8
                    count += 1
                }
            }
            return Rows(bytes: writer.bytes, count: count)
        }
    }
}

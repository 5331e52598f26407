package import KeytrailExtract
import KeytrailScan

/// What an ingest run did: the summary every run ends with.
package struct IngestReport: Sendable {
    /// Input files found (including standard input).
    package var filesSeen = 0
    /// Files read and indexed (in full or, for JSON lines, the valid lines).
    package var filesIngested = 0
    /// Files skipped because the manifest already holds them (same path, size and mtime).
    package var filesUnchanged = 0
    /// Files skipped because a file with the same content was already ingested (a copy, a move).
    package var filesCopies = 0
    /// Files with any rejected input.
    package var filesRejected = 0
    /// Rejected units: whole files, documents or JSON lines (some may be counted, not listed).
    package var unitsRejected = 0
    /// Event counters.
    package var events = EventCounts()
    /// Raw bytes read (compressed bytes for gzip).
    package var bytesRead = 0
    /// Bytes after decompression.
    package var bytesDecompressed = 0
    /// Wall-clock seconds.
    package var seconds = 0.0
    /// Everything that was rejected, with positions.
    package var rejections: [Rejection] = []
    /// Skipped events worth pointing at (unparseable times), capped per file.
    package var notes: [SkipNote] = []

    /// Creates an empty report.
    package init() {}

    /// Raw megabytes per second (10^6 bytes).
    package var megabytesPerSecond: Double { seconds > 0 ? Double(bytesRead) / 1e6 / seconds : 0 }

    /// The human summary (several lines, no trailing newline).
    package var summary: String {
        var skipped: [String] = []
        for r in SkipReason.allCases where events.skipped(r) > 0 { skipped.append("\(r.name) \(events.skipped(r))") }
        let skippedText = skipped.isEmpty ? "" : " (" + skipped.joined(separator: ", ") + ")"
        let unchanged =
            filesCopies > 0
            ? "\(filesUnchanged + filesCopies) unchanged (\(filesCopies) copies)" : "\(filesUnchanged) unchanged"
        return """
            files: \(filesSeen) seen, \(filesIngested) ingested, \(unchanged), \(filesRejected) rejected
            events: \(events.read) read, \(events.indexed) indexed, \(events.totalSkipped) skipped\(skippedText)
            bytes: \(bytesRead) read (\(bytesDecompressed) decompressed) in \(JSONOutput.formatDecimal(seconds, digits: 3)) s, \
            \(JSONOutput.formatDecimal(megabytesPerSecond, digits: 1)) MB/s
            """
    }

    /// The same as one JSON object, with every rejection and skip note listed.
    package var json: String {
        var o = JSONOutput(pretty: true)
        o.beginObject()
        o.beginObject("files")
        o.int("seen", Int64(filesSeen))
        o.int("ingested", Int64(filesIngested))
        o.int("unchanged", Int64(filesUnchanged + filesCopies))
        o.int("copies", Int64(filesCopies))
        o.int("rejected", Int64(filesRejected))
        o.int("rejected_units", Int64(unitsRejected))
        o.endObject()
        o.beginObject("events")
        o.int("read", Int64(events.read))
        o.int("indexed", Int64(events.indexed))
        o.int("skipped", Int64(events.totalSkipped))
        o.beginObject("skipped_by_reason")
        for r in SkipReason.allCases { o.int(r.name, Int64(events.skipped(r))) }
        o.endObject()
        o.endObject()
        o.int("bytes_read", Int64(bytesRead))
        o.int("bytes_decompressed", Int64(bytesDecompressed))
        o.decimal("seconds", seconds, digits: 3)
        o.decimal("mb_per_second", megabytesPerSecond, digits: 1)
        o.beginArray("rejections")
        for r in rejections {
            o.beginObject()
            o.string("path", r.path)
            o.string("kind", r.kind.rawValue)
            if let l = r.line { o.int("line", Int64(l)) } else { o.null("line") }
            if let c = r.column { o.int("column", Int64(c)) } else { o.null("column") }
            if let off = r.offset { o.int("offset", Int64(off)) }
            o.string("message", r.message)
            o.endObject()
        }
        o.endArray()
        o.beginArray("skipped_events")
        for n in notes {
            o.beginObject()
            o.string("path", n.path)
            o.int("line", Int64(n.line))
            o.int("column", Int64(n.column))
            o.string("reason", n.reason.name)
            o.string("message", n.message)
            o.endObject()
        }
        o.endArray()
        o.endObject()
        return o.text
    }
}

import KeytrailScan
import KeytrailStore

/// `keytrail manifest`: the files an index holds (name, size, mtime, checksum, events, ingested
/// at), so that a driver skips what is already indexed. Read-only, as a query.
enum ManifestCommand {
    static func run(_ args: [String]) throws(CLIError) -> Int32 {
        let a = try Arguments(args, command: CommandTable.manifest)
        guard a.positionals.isEmpty else { throw .usage("manifest takes no positional arguments") }
        let form = try AnswerForm(a, default: .ndjson)
        let path = KeytrailCommand.databasePath(a)
        let records = try CLIError.failing(IndexError.self, try IndexReader(path: path).manifest())
        switch form.format {
        case .json, .ndjson:
            let lines = records.map { json($0, pretty: form.format == .json) }
            if form.format == .json {
                try Output.out("[" + (lines.isEmpty ? "" : "\n" + lines.joined(separator: ",\n") + "\n") + "]")
            } else {
                try Output.write(1, lines.map { $0 + "\n" }.joined())
            }
        case .csv: try Output.out(sheet(records).csv())
        case .table: try Output.out(sheet(records).table(width: form.width))
        }
        return 0
    }

    /// A name as text (invalid UTF-8 shown as U+FFFD).
    static func name(_ r: ManifestRecord) -> String { String(decoding: r.name, as: UTF8.self) }

    /// The checksum in lowercase hex.
    static func checksum(_ r: ManifestRecord) -> String {
        r.entry.checksum.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// One record: `name`, `size`, `mtime_ns` and `mtime`, `checksum`, `events`, `ingested_at`,
    /// and `until` for a point-in-time ingest.
    static func json(_ r: ManifestRecord, pretty: Bool) -> String {
        var o = JSONOutput(pretty: pretty)
        o.beginObject()
        r.name.withUnsafeBytes { o.string("name", bytes: $0) }
        o.int("size", r.entry.size)
        o.int("mtime_ns", r.entry.mtimeNanos)
        o.string("mtime", Timestamp.format(r.entry.mtimeNanos / 1_000_000, millis: true))
        o.string("checksum", checksum(r))
        o.int("events", r.events)
        o.string("ingested_at", Timestamp.format(r.ingestedAt, millis: true))
        if r.until != IndexWriter.noUntil { o.string("until", Timestamp.format(r.until, millis: true)) }
        o.endObject()
        return o.text
    }

    static func sheet(_ records: [ManifestRecord]) -> Sheet<ManifestRecord> {
        Sheet(
            columns: [
                Column("name") { name($0) },
                Column("size", fixed: true) { String($0.entry.size) },
                Column.time("mtime", inTable: false) { $0.entry.mtimeNanos / 1_000_000 },
                Column("checksum", inTable: false) { checksum($0) },
                Column("events", fixed: true) { String($0.events) },
                Column.time("ingested_at") { $0.ingestedAt },
                Column.time("until", inTable: false) { $0.until == IndexWriter.noUntil ? nil : $0.until },
            ], rows: records,
            footer: "\(records.count) file(s), \(records.reduce(0) { $0 + $1.events }) event(s) read")
    }
}

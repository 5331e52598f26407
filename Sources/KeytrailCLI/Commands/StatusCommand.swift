import KeytrailIngest
import KeytrailPOSIX
import KeytrailScan
import KeytrailStore

/// `keytrail status`: what an index holds and whether an ingest is writing it now. Read-only: it
/// opens the index as a query does and only tries the ingest lock (never creating it).
enum StatusCommand {
    static func run(_ args: [String]) throws(CLIError) -> Int32 {
        let a = try Arguments(args, command: CommandTable.status)
        guard a.positionals.isEmpty else { throw .usage("status takes no positional arguments") }
        let path = KeytrailCommand.databasePath(a)
        let status = try CLIError.failing(IndexError.self, try IndexReader(path: path).status())
        let size = (FileStatus(path: path)?.size ?? 0) + (FileStatus(path: path + "-wal")?.size ?? 0)
        let locked = IngestLock.isHeld(databasePath: path)
        try Output.out(
            a.flag("json")
                ? json(status, path: path, size: size, locked: locked)
                : table(status, path: path, size: size, locked: locked))
        return 0
    }

    /// One `name: value` line per fact, for people.
    static func table(_ s: IndexStatus, path: String, size: Int64, locked: Bool) -> String {
        var settings = [s.siblings ? "full (products and siblings)" : "--products-only"]
        settings += s.untils.map { "--until \(Timestamp.format($0, millis: true))" }
        let mb = JSONOutput.formatDecimal(Double(size) / 1e6, digits: 1)
        return [
            "index: \(path)",
            "schema version: \(s.schemaVersion)",
            "size: \(mb) MB (\(size) bytes)",
            "settings: \(settings.joined(separator: ", "))",
            "files: \(s.files)",
            "events indexed: \(s.events)",
            "keys: \(s.keys)",
            "oldest event: \(s.span.map { Timestamp.format($0.lowerBound) } ?? "none")",
            "newest event: \(s.span.map { Timestamp.format($0.upperBound) } ?? "none")",
            "last ingest: \(s.lastIngest.map { Timestamp.format($0) } ?? "never")",
            "ingest running: \(locked ? "yes (another keytrail ingest holds the lock)" : "no")",
        ].joined(separator: "\n")
    }

    /// The same as one JSON object; times as RFC 3339 with milliseconds, null when unknown.
    static func json(_ s: IndexStatus, path: String, size: Int64, locked: Bool) -> String {
        var o = JSONOutput(pretty: true)
        o.beginObject()
        o.string("path", path)
        o.int("schema_version", s.schemaVersion)
        o.int("size_bytes", size)
        o.bool("products_only", !s.siblings)
        o.beginArray("until")
        for u in s.untils { o.string(nil, Timestamp.format(u, millis: true)) }
        o.endArray()
        o.int("files", s.files)
        o.int("events", s.events)
        o.int("keys", s.keys)
        func time(_ key: String, _ ms: Int64?) {
            if let ms { o.string(key, Timestamp.format(ms, millis: true)) } else { o.null(key) }
        }
        time("oldest_event", s.span?.lowerBound)
        time("newest_event", s.span?.upperBound)
        time("last_ingest", s.lastIngest)
        o.bool("ingest_running", locked)
        o.endObject()
        return o.text
    }
}

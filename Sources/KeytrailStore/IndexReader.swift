import Glibc
public import KeytrailScan

/// One (key, service) row of the index.
public struct ProductRow: Equatable, Sendable {
    /// The event's top-level `serviceName`.
    public var service: String
    /// `eventTime` in epoch milliseconds.
    public var timestamp: Int64
    /// The event's `eventId`.
    public var eventId: String
    /// How the event is classified.
    public var source: EventSource
    /// The event's JSON text as archived (UTF-8, validated at ingest).
    public var detail: [UInt8]

    /// Creates a row.
    public init(service: String, timestamp: Int64, eventId: String, source: EventSource, detail: [UInt8]) {
        self.service = service
        self.timestamp = timestamp
        self.eventId = eventId
        self.source = source
        self.detail = detail
    }
}

/// The read side of the index: a read-only connection with its statements prepared once.
public final class IndexReader {
    let db: Database
    /// nil for a file without a schema yet (answers as an empty index).
    let byKey: Statement?
    let meta: Statement?

    /// Opens an existing index for reading; a missing file is an `IndexError`.
    public init(path: String) throws {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw IndexError("no index at \(path); run `keytrail ingest --db \(path) PATH...` first")
        }
        guard st.st_mode & S_IFMT == S_IFREG else { throw IndexError("\(path) is not an index file") }
        // Read-write (but query-only) when allowed: after a killed ingest, the first connection
        // may have to roll back a hot journal or recover the WAL, which a read-only one cannot.
        if access(path, W_OK) == 0, let rw = try? Database(path: path) {
            db = rw
            try db.execute("PRAGMA query_only=ON")
        } else {
            db = try Database(path: path, readOnly: true)
        }
        // Reads through a memory map skip a copy per page.
        try db.execute("PRAGMA mmap_size=1073741824")
        if try IndexSchema.checkReadable(db) {
            byKey = try db.prepare("SELECT service, ts, event_id, source, detail FROM products WHERE key = ?1")
            meta = try db.prepare("SELECT value FROM meta WHERE name = ?1")
        } else {
            byKey = nil
            meta = nil
        }
    }

    /// Every service row indexed for `key`, in no particular order.
    public func products(key: String) throws -> [ProductRow] {
        guard let byKey else { return [] }
        defer { byKey.reset() }
        byKey.bindText(1, key)
        var rows: [ProductRow] = []
        while try byKey.step() {
            rows.append(
                ProductRow(
                    service: byKey.text(0), timestamp: byKey.int64(1), eventId: byKey.text(2),
                    source: EventSource(code: Int(byKey.int64(3))), detail: byKey.bytes(4)))
        }
        return rows
    }

    /// The newest UsedTimestamp in the index (the end of the archive), nil when empty.
    public func newestTimestamp() throws -> Int64? {
        guard let meta else { return nil }
        defer { meta.reset() }
        meta.bindText(1, "max_ts")
        guard try meta.step(), !meta.isNull(0) else { return nil }
        return meta.int64(0)
    }
}

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
    /// The event's JSON text as archived.
    public var detail: String

    /// Creates a row.
    public init(service: String, timestamp: Int64, eventId: String, source: EventSource, detail: String) {
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
    let byKey: Statement
    let meta: Statement

    /// Opens an existing index for reading; a missing file is an `IndexError`.
    public init(path: String) throws {
        guard Self.fileExists(path) else {
            throw IndexError("no index at \(path); run `keytrail ingest --db \(path) PATH...` first")
        }
        db = try Database(path: path, readOnly: true)
        try IndexSchema.checkReadable(db)
        byKey = try db.prepare("SELECT service, ts, event_id, source, detail FROM products WHERE key = ?1")
        meta = try db.prepare("SELECT value FROM meta WHERE name = ?1")
    }

    /// Every service row indexed for `key`, in no particular order.
    public func products(key: String) throws -> [ProductRow] {
        defer { byKey.reset() }
        byKey.bindText(1, key)
        var rows: [ProductRow] = []
        while try byKey.step() {
            rows.append(
                ProductRow(
                    service: byKey.text(0), timestamp: byKey.int64(1), eventId: byKey.text(2),
                    source: EventSource(code: Int(byKey.int64(3))), detail: byKey.text(4)))
        }
        return rows
    }

    /// The newest UsedTimestamp in the index (the end of the archive), nil when empty.
    public func newestTimestamp() throws -> Int64? {
        defer { meta.reset() }
        meta.bindText(1, "max_ts")
        guard try meta.step(), !meta.isNull(0) else { return nil }
        return meta.int64(0)
    }

    static func fileExists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }
}

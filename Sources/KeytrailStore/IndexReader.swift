import Glibc
package import KeytrailScan

/// One (key, service) row of the index.
package struct ProductRow: Equatable, Sendable {
    /// The event's top-level `serviceName`.
    package var service: String
    /// `eventTime` in epoch milliseconds.
    package var timestamp: Int64
    /// The event's `eventId`.
    package var eventId: String
    /// How the event is classified.
    package var source: EventSource
    /// The event's JSON text as archived (UTF-8, validated at ingest).
    package var detail: [UInt8]

    /// Creates a row.
    package init(service: String, timestamp: Int64, eventId: String, source: EventSource, detail: [UInt8]) {
        self.service = service
        self.timestamp = timestamp
        self.eventId = eventId
        self.source = source
        self.detail = detail
    }
}

/// One row of a sibling dimension: the latest event of (key, service, name[, sub]).
package struct DimensionRow: Equatable, Sendable {
    /// EventName, Ip, or ResourceType.
    package var name: String
    /// ResourceName (empty for the other dimensions).
    package var sub: String
    /// The row's time as of the generation asked for (its time then, or when it was created
    /// after it): where the row stays in a listing paged across commits.
    package var position: Int64 = 0
    /// `eventTime` in epoch milliseconds.
    package var timestamp: Int64
    /// The event's `eventId`.
    package var eventId: String
    /// How the event is classified.
    package var source: EventSource
    /// The event's JSON text as archived.
    package var detail: [UInt8]

    /// Creates a row.
    package init(name: String, sub: String, timestamp: Int64, eventId: String, source: EventSource, detail: [UInt8]) {
        self.name = name
        self.sub = sub
        self.timestamp = timestamp
        self.eventId = eventId
        self.source = source
        self.detail = detail
    }
}

/// What the index knows of one AccessKey as a whole.
package struct KeySummary: Equatable, Sendable {
    /// The AccessKey ID.
    package var key: String
    /// Its newest UsedTimestamp over every service.
    package var lastUsed: Int64
    /// How many services it was used for.
    package var services: Int
    /// The service of its newest event.
    package var lastService: String
    /// Its newest event's Detail (for the principal).
    package var detail: [UInt8]
}

/// The read side of the index: a read-only connection with its statements prepared once.
package final class IndexReader {
    let db: Database
    /// nil for a file without a schema yet (answers as an empty index).
    let byKey: Statement?
    let meta: Statement?
    let byDimension: Statement?
    /// One event's stored Detail.
    let byEvent: Statement?
    let codec = DetailCodec()

    /// Opens an existing index for reading; a missing file is an `IndexError`.
    package init(path: String) throws {
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
            byKey = try db.prepare(
                """
                SELECT d.service, d.ts, d.event_id, e.source, e.detail FROM dims d
                JOIN event_details e ON e.key = d.key AND e.service = d.service AND e.ts = d.ts AND e.event_id = d.event_id
                WHERE d.key = ?1 AND d.kind = 0
                """)
            meta = try db.prepare("SELECT value FROM meta WHERE name = ?1")
            byDimension = try db.prepare(
                """
                SELECT d.name, d.sub, d.ts, d.event_id, e.source, e.detail,
                    coalesce((SELECT h.old_ts FROM dims_history h
                        WHERE h.key = d.key AND h.kind = d.kind AND h.service = d.service AND h.name = d.name
                            AND h.sub = d.sub AND h.gen > ?4
                        ORDER BY h.gen LIMIT 1), d.ts)
                FROM dims d JOIN event_details e ON e.key = d.key AND e.service = d.service AND e.ts = d.ts AND e.event_id = d.event_id
                WHERE d.key = ?1 AND d.kind = ?2 AND d.service = ?3
                """)
            byEvent = try db.prepare(
                "SELECT detail FROM event_details WHERE key = ?1 AND service = ?2 AND ts = ?3 AND event_id = ?4")
        } else {
            byKey = nil
            meta = nil
            byDimension = nil
            byEvent = nil
        }
    }

    /// Every service row indexed for `key`, in no particular order; without `details`, their
    /// Details are left empty (not inflated) — see `detail(of:key:)`.
    package func products(key: String, details: Bool = true) throws -> [ProductRow] {
        guard let byKey else { return [] }
        defer { byKey.reset() }
        byKey.bindText(1, key)
        var rows: [ProductRow] = []
        while try byKey.step() {
            rows.append(
                ProductRow(
                    service: byKey.text(0), timestamp: byKey.int64(1), eventId: byKey.text(2),
                    source: EventSource(code: Int(byKey.int64(3))), detail: details ? try detail(byKey, 4) : []))
        }
        return rows
    }

    /// The newest UsedTimestamp in the index (the end of the archive), nil when empty.
    package func newestTimestamp() throws -> Int64? {
        guard let meta else { return nil }
        defer { meta.reset() }
        meta.bindText(1, "max_ts")
        guard try meta.step(), !meta.isNull(0) else { return nil }
        return meta.int64(0)
    }

    /// Every row of one sibling dimension of (key, service), in no particular order, with each
    /// row's position as of `generation` (nil: now); the index's generation now; and the newest
    /// generation whose moved rows were forgotten (positions as of an older one are unknown) —
    /// read in one snapshot, so that a commit in between cannot split them.
    package func dimension(key: String, _ kind: Dimension, service: String, generation: Int64? = nil) throws -> (
        rows: [DimensionRow], generation: Int64, pruned: Int64
    ) {
        guard let byDimension, let meta else { return ([], 0, 0) }
        try db.execute("BEGIN")
        defer { try? db.execute("COMMIT") }
        func value(_ name: String) throws -> Int64 {
            defer { meta.reset() }
            meta.bindText(1, name)
            return try meta.step() ? meta.int64(0) : 0
        }
        let now = try value("gen")
        let pruned = try value("pruned_gen")
        defer { byDimension.reset() }
        byDimension.bindText(1, key)
        byDimension.bind(2, Int64(kind.rawValue))
        byDimension.bindText(3, service)
        byDimension.bind(4, generation ?? now)
        var rows: [DimensionRow] = []
        while try byDimension.step() {
            var r = DimensionRow(
                name: byDimension.text(0), sub: byDimension.text(1), timestamp: byDimension.int64(2),
                eventId: byDimension.text(3), source: EventSource(code: Int(byDimension.int64(4))),
                detail: try detail(byDimension, 5))
            r.position = byDimension.int64(6)
            rows.append(r)
        }
        return (rows, now, pruned)
    }

    /// The Detail of one product row of `key` (as `products(key:details: false)` listed it).
    package func detail(of row: ProductRow, key: String) throws -> [UInt8] {
        try detail(key: key, service: row.service, timestamp: row.timestamp, eventId: row.eventId)
    }

    func detail(key: String, service: String, timestamp: Int64, eventId: String) throws -> [UInt8] {
        guard let byEvent else { return [] }
        defer { byEvent.reset() }
        byEvent.bindText(1, key)
        byEvent.bindText(2, service)
        byEvent.bind(3, timestamp)
        byEvent.bindText(4, eventId)
        guard try byEvent.step() else { return [] }
        return try detail(byEvent, 0)
    }

    /// Whether the index keeps the sibling rows (false when built with `ingest --products-only`).
    package func keepsSiblings() throws -> Bool {
        guard let meta else { return true }
        defer { meta.reset() }
        meta.bindText(1, "siblings")
        guard try meta.step(), !meta.isNull(0) else { return true }
        return meta.int64(0) != 0
    }

    /// The secret that seals paging tokens (created with the schema; empty for an empty file).
    package func tokenKey() throws -> [UInt8] {
        guard let meta else { return [] }
        defer { meta.reset() }
        meta.bindText(1, "token_key")
        guard try meta.step() else { return [] }
        return meta.bytes(0)
    }

    /// Every key in the index with its newest use, its services count and its newest event.
    package func keys() throws -> [KeySummary] {
        guard byKey != nil else { return [] }
        // SQLite takes the bare columns of an aggregate query from the row that holds the max().
        let q = try db.prepare(
            "SELECT key, max(ts), count(*), service, event_id FROM dims WHERE kind = 0 GROUP BY key ORDER BY key")
        var out: [KeySummary] = []
        while try q.step() {
            let (key, ts, service) = (q.text(0), q.int64(1), q.text(3))
            out.append(
                KeySummary(
                    key: key, lastUsed: ts, services: Int(q.int64(2)), lastService: service,
                    detail: try detail(key: key, service: service, timestamp: ts, eventId: q.text(4))))
        }
        return out
    }

    /// A stored Detail as text (inflated when stored compressed).
    func detail(_ st: Statement, _ column: Int32) throws -> [UInt8] {
        guard st.isBlob(column) else { return st.bytes(column) }
        guard let text = st.withBytes(column, { codec.decode($0) }) else {
            throw IndexError("\(db.path): a stored Detail is corrupt; rebuild the index with `keytrail ingest`")
        }
        return text
    }
}

import Glibc
package import KeytrailScan

/// A file the manifest records as ingested.
package struct ManifestEntry: Equatable, Sendable {
    /// Size in bytes when ingested.
    package var size: Int64
    /// Modification time in nanoseconds since the epoch.
    package var mtimeNanos: Int64
    /// Content checksum of the raw (possibly compressed) bytes.
    package var checksum: [UInt8]

    /// Creates an entry.
    package init(size: Int64, mtimeNanos: Int64, checksum: [UInt8]) {
        self.size = size
        self.mtimeNanos = mtimeNanos
        self.checksum = checksum
    }
}

/// The write side of the index: upserts into the max-register and the file manifest, in explicit
/// transactions. One writer per process.
package final class IndexWriter {
    /// `until` value stored for ingests without `--until`.
    package static let noUntil = Int64.max

    let db: Database
    let maxTs: Statement
    let findFile: Statement
    let findChecksum: Statement
    let insertFile: Statement
    let findDim: Statement
    let insertDim: Statement
    let updateDim: Statement
    let addDetailRef: Statement
    let raiseDetail: Statement
    let dropDetailRef: Statement
    let deleteDetail: Statement
    let findDetail: Statement
    let codec = DetailCodec()
    /// Rows that stopped naming an event in this transaction, per event.
    var released: [EventRef: Int] = [:]
    let recordHistory: Statement
    let pruneHistory: Statement
    /// The schema version an existing index was upgraded from by this writer, if it was.
    package let upgradedFrom: Int64?

    /// Whether the index held no rows when the transaction began.
    package private(set) var startedEmpty = false
    /// The transaction's generation and wall-clock time (ms).
    var generation: Int64 = 0
    var now: Int64 = 0

    /// Opens the index at `path`, creating it (and its schema) when missing.
    package init(path: String) throws {
        try Self.checkWritable(path)
        db = try Database(path: path, create: true)
        // Page size applies only to a new file (before its first table); Details of ~2 KB pack far
        // better in 16 KiB pages than in 4 KiB ones.
        try db.execute("PRAGMA page_size=16384")
        try db.execute("PRAGMA journal_mode=WAL")
        try db.execute("PRAGMA cache_size=-65536")
        try db.execute("PRAGMA synchronous=NORMAL")
        upgradedFrom = try IndexSchema.migrate(db).flatMap { $0 > 0 ? $0 : nil }
        maxTs = try db.prepare(
            """
            INSERT INTO meta(name, value) VALUES('max_ts', ?1)
            ON CONFLICT(name) DO UPDATE SET value = max(value, excluded.value)
            """)
        findFile = try db.prepare("SELECT size, mtime_ns, checksum FROM files WHERE path = ?1 AND until = ?2")
        findChecksum = try db.prepare("SELECT 1 FROM files WHERE checksum = ?1 AND until = ?2 LIMIT 1")
        insertFile = try db.prepare(
            """
            INSERT OR REPLACE INTO files(path, until, size, mtime_ns, checksum, events, ingested_at)
            VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """)
        recordHistory = try db.prepare(
            """
            INSERT OR IGNORE INTO dims_history(key, kind, service, name, sub, gen, old_ts, at)
            VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """)
        pruneHistory = try db.prepare("DELETE FROM dims_history WHERE at < ?1")
        let d = try Self.dimensionStatements(db)
        (findDim, insertDim, updateDim, addDetailRef, raiseDetail, dropDetailRef, deleteDetail) =
            (d[0], d[1], d[2], d[3], d[4], d[5], d[6])
        findDetail = try db.prepare(
            "SELECT detail FROM event_details WHERE key = ?1 AND service = ?2 AND ts = ?3 AND event_id = ?4")
    }

    /// Statements of the sibling dimensions (schema v2).
    static func dimensionStatements(_ db: Database) throws -> [Statement] {
        [
            try db.prepare(
                "SELECT ts, event_id FROM dims WHERE key = ?1 AND kind = ?2 AND service = ?3 AND name = ?4 AND sub = ?5"
            ),
            try db.prepare(
                "INSERT INTO dims(key, kind, service, name, sub, ts, event_id) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
            try db.prepare(
                """
                UPDATE dims SET ts = ?6, event_id = ?7
                WHERE key = ?1 AND kind = ?2 AND service = ?3 AND name = ?4 AND sub = ?5
                """),
            // A new event; when it is there already, its count rises and, of two texts, the greater
            // (compared as text, so in Swift: stored texts may be compressed) is kept.
            try db.prepare(
                """
                INSERT INTO event_details(key, service, ts, event_id, refs, source, detail)
                VALUES(?6, ?7, ?1, ?2, ?5, ?3, ?4) ON CONFLICT DO NOTHING
                """),
            try db.prepare(
                """
                UPDATE event_details SET refs = refs + ?5, source = iif(?4 IS NULL, source, ?3), detail = ifnull(?4, detail)
                WHERE key = ?6 AND service = ?7 AND ts = ?1 AND event_id = ?2
                """),
            try db.prepare(
                "UPDATE event_details SET refs = refs - ?3 WHERE key = ?6 AND service = ?7 AND ts = ?1 AND event_id = ?2"
            ),
            try db.prepare(
                """
                DELETE FROM event_details WHERE key = ?6 AND service = ?7 AND ts = ?1 AND event_id = ?2 AND refs <= 0
                """),
        ]
    }

    /// Whether the index keeps the sibling rows (events, IPs, resources): fixed when it is built.
    /// `requested` nil takes the index's setting (siblings kept for a new index); a request that
    /// differs from an existing index's setting is refused.
    package func siblings(requested: Bool?) throws -> Bool {
        let stored = try db.scalarInt("SELECT value FROM meta WHERE name = 'siblings'")
        let empty = try db.scalarInt("SELECT count(*) FROM (SELECT 1 FROM dims LIMIT 1)") == 0
        if let stored, !empty || requested == nil {
            if let requested, requested != (stored != 0) {
                throw IndexError(
                    stored != 0
                        ? "\(db.path) keeps the sibling rows (events, IPs, resources); --products-only applies to a new index"
                        : "\(db.path) was built with --products-only; pass it again, or build a new index for the siblings"
                )
            }
            return stored != 0
        }
        let value = requested ?? true
        try db.execute("INSERT OR REPLACE INTO meta(name, value) VALUES('siblings', \(value ? 1 : 0))")
        return value
    }

    /// Clear errors for the usual reasons an index cannot be written, before SQLite's own.
    package static func checkWritable(_ path: String) throws {
        let dir = directory(of: path)
        var st = stat()
        guard stat(dir, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
            throw IndexError("cannot create the index \(path): directory \(dir) does not exist")
        }
        if access(dir, W_OK) != 0 {
            throw IndexError(
                "cannot write the index \(path): directory \(dir) is not writable (\(String(cString: strerror(errno))))"
            )
        }
        if stat(path, &st) == 0 {
            if st.st_mode & S_IFMT == S_IFDIR { throw IndexError("\(path) is a directory, not an index file") }
            if access(path, W_OK) != 0 {
                throw IndexError("cannot write the index \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// The directory holding `path` (the index's journal and temporary files go there too).
    package static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Starts a write transaction (taking the write lock now, not at the first write).
    package func begin() throws {
        try db.execute("BEGIN IMMEDIATE")
        // Each commit is a generation; sibling rows it moves remember their time before it.
        generation = (try db.scalarInt("SELECT value FROM meta WHERE name = 'gen'") ?? 0) + 1
        // While the rows table is empty (a first build), a row offered once per transaction cannot
        // exist yet: callers that offer each row once may say so and skip the lookup.
        startedEmpty = try db.scalarInt("SELECT count(*) FROM (SELECT 1 FROM dims LIMIT 1)") == 0
        try db.execute("INSERT OR REPLACE INTO meta(name, value) VALUES('gen', \(generation))")
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        now = Int64(t.tv_sec) * 1000 + Int64(t.tv_nsec) / 1_000_000
    }

    /// How long a moved row's former time is kept for paging (a NextToken older than that may be
    /// refused as expired).
    package static let historyMillis: Int64 = 86_400_000

    /// Commits the current transaction.
    package func commit() throws {
        try releaseEvents()
        // Paging tokens of generations before the newest forgotten one can no longer be answered.
        try db.execute(
            """
            INSERT INTO meta(name, value)
            SELECT 'pruned_gen', g FROM (SELECT max(gen) AS g FROM dims_history WHERE at < \(now - Self.historyMillis))
            WHERE g IS NOT NULL
            ON CONFLICT(name) DO UPDATE SET value = max(value, excluded.value)
            """)
        pruneHistory.bind(1, now - Self.historyMillis)
        try pruneHistory.run()
        try db.execute("COMMIT")
    }

    /// Rolls back the current transaction, if any.
    package func rollback() {
        released.removeAll()
        try? db.execute("ROLLBACK")
    }

    /// Offers one (key, service) candidate: the product row and its event's Detail (a shorthand
    /// for `offerDimension` and `referenceEvent`, for callers that offer one row at a time).
    package func offerProduct(
        key: UnsafeRawBufferPointer,
        service: UnsafeRawBufferPointer,
        timestamp: Int64,
        eventId: UnsafeRawBufferPointer,
        source: EventSource,
        detail: UnsafeRawBufferPointer
    ) throws {
        let none = UnsafeRawBufferPointer(start: nil, count: 0)
        switch try offerDimension(
            key: key, .product, service: service, name: none, sub: none, timestamp: timestamp, eventId: eventId)
        {
        case .won:
            try referenceEvent(
                key: key, service: service, timestamp: timestamp, eventId: eventId, source: source, detail: detail,
                rows: 1)
        case .same:
            try referenceEvent(
                key: key, service: service, timestamp: timestamp, eventId: eventId, source: source, detail: detail,
                rows: 0)
        case .lost: break
        }
    }

    /// What offering a sibling row did.
    package enum DimensionOffer: Sendable {
        /// The row keeps its event.
        case lost
        /// The row already names this event (only a greater copy of its text can change it).
        case same
        /// The row now names this event: it needs one more reference.
        case won
    }

    /// Offers one candidate row (key, kind, service, name, sub): it names the greatest
    /// (timestamp, eventId) offered. `new`: the caller knows the row does not exist (the index
    /// `startedEmpty` and each row is offered once in the transaction). The event's Detail is stored by
    /// `referenceEvent`, once for all the rows it won; the event a row stops naming is released
    /// by `releaseEvents` (before the commit).
    package func offerDimension(
        key: UnsafeRawBufferPointer,
        _ kind: Dimension,
        service: UnsafeRawBufferPointer,
        name: UnsafeRawBufferPointer,
        sub: UnsafeRawBufferPointer,
        timestamp: Int64,
        eventId: UnsafeRawBufferPointer,
        new: Bool = false
    ) throws -> DimensionOffer {
        func bindRow(_ st: Statement) {
            st.bindText(1, key)
            st.bind(2, Int64(kind.rawValue))
            st.bindText(3, service)
            st.bindText(4, name)
            st.bindText(5, sub)
        }
        var old: EventRef?
        if !new {
            bindRow(findDim)
            if try findDim.step() {
                old = EventRef(
                    key: Array(key), service: Array(service), timestamp: findDim.int64(0), id: findDim.bytes(1))
            }
            findDim.reset()
        }
        if let old {
            let c =
                old.timestamp != timestamp
                ? (timestamp > old.timestamp ? 1 : -1) : old.id.withUnsafeBytes { Self.compare(eventId, $0) }
            if c < 0 { return .lost }
            if c == 0 { return .same }
            released[old, default: 0] += 1
            // Only listings page; products are answered whole.
            if kind != .product {
                bindRow(recordHistory)
                recordHistory.bind(6, generation)
                recordHistory.bind(7, old.timestamp)
                recordHistory.bind(8, now)
                try recordHistory.run()
            }
        }
        let st = old == nil ? insertDim : updateDim
        bindRow(st)
        st.bind(6, timestamp)
        st.bindText(7, eventId)
        try st.run()
        return .won
    }

    /// Stores an event's Detail for `rows` more rows that now name it (once however many), or,
    /// with `rows` 0, keeps the greater of its stored text and `detail`.
    package func referenceEvent(
        key: UnsafeRawBufferPointer, service: UnsafeRawBufferPointer, timestamp: Int64, eventId: UnsafeRawBufferPointer,
        source: EventSource, detail: UnsafeRawBufferPointer, compressed: Bool = false, rows: Int
    ) throws {
        func bind(_ st: Statement) {
            st.bind(1, timestamp)
            st.bindText(2, eventId)
            st.bind(3, Int64(source.code))
            st.bind(5, Int64(rows))
            st.bindText(6, key)
            st.bindText(7, service)
        }
        if rows > 0 {
            bind(addDetailRef)
            if compressed { addDetailRef.bindBlob(4, detail) } else { addDetailRef.bindText(4, detail) }
            try addDetailRef.run()
            if db.changes == 1 { return }
        }
        // The event is stored already: keep the greater text of the two.
        findDetail.bindText(1, key)
        findDetail.bindText(2, service)
        findDetail.bind(3, timestamp)
        findDetail.bindText(4, eventId)
        defer { findDetail.reset() }
        guard try findDetail.step() else { return }
        var greater = false
        let same = findDetail.withBytes(0) { stored in
            stored.count == detail.count
                && (detail.count == 0 || memcmp(stored.baseAddress!, detail.baseAddress!, detail.count) == 0)
        }
        if !same {
            let old: [UInt8]? =
                findDetail.isBlob(0) ? findDetail.withBytes(0) { codec.decode($0) } : findDetail.bytes(0)
            let new = compressed ? codec.decode(detail) : Array(detail)
            guard let old, let new else { throw IndexError("\(db.path): a stored Detail is corrupt") }
            greater = new.withUnsafeBytes { n in old.withUnsafeBytes { o in Self.compare(n, o) } } > 0
        }
        findDetail.reset()
        if !greater && rows == 0 { return }
        bind(raiseDetail)
        if !greater {
            raiseDetail.bindNull(4)
        } else if compressed {
            raiseDetail.bindBlob(4, detail)
        } else {
            raiseDetail.bindText(4, detail)
        }
        try raiseDetail.run()
    }

    /// Releases the events rows stopped naming in this transaction; an event no row names is
    /// deleted. `commit` does this too.
    package func releaseEvents() throws {
        defer { released.removeAll() }
        for (event, n) in released {
            for st in [dropDetailRef, deleteDetail] {
                st.bind(1, event.timestamp)
                event.id.withUnsafeBytes { st.bindText(2, $0) }
                st.bind(3, Int64(n))
                event.key.withUnsafeBytes { st.bindText(6, $0) }
                event.service.withUnsafeBytes { st.bindText(7, $0) }
                try st.run()
            }
        }
    }

    /// An event as rows name it.
    struct EventRef: Hashable {
        var key: [UInt8]
        var service: [UInt8]
        var timestamp: Int64
        var id: [UInt8]
    }

    /// Lexicographic byte comparison, as SQLite's BINARY collation.
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let n = min(a.count, b.count)
        if n > 0 {
            let c = memcmp(a.baseAddress!, b.baseAddress!, n)
            if c != 0 { return Int(c) }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// Raises the index's newest UsedTimestamp (what `--as-of latest` means) to at least `ts`.
    package func noteTimestamp(_ ts: Int64) throws {
        maxTs.bind(1, ts)
        try maxTs.run()
    }

    /// The manifest entry for `path` ingested with `until`, if any.
    package func manifestEntry(path: [UInt8], until: Int64) throws -> ManifestEntry? {
        defer { findFile.reset() }
        path.withUnsafeBytes { findFile.bindBlob(1, $0) }
        findFile.bind(2, until)
        guard try findFile.step() else { return nil }
        return ManifestEntry(size: findFile.int64(0), mtimeNanos: findFile.int64(1), checksum: findFile.bytes(2))
    }

    /// Whether a file with this content checksum was ingested with `until`.
    package func hasChecksum(_ checksum: [UInt8], until: Int64) throws -> Bool {
        defer { findChecksum.reset() }
        checksum.withUnsafeBytes { findChecksum.bindBlob(1, $0) }
        findChecksum.bind(2, until)
        return try findChecksum.step()
    }

    /// Every content checksum the manifest holds for `until`.
    package func checksums(until: Int64) throws -> [[UInt8]] {
        let q = try db.prepare("SELECT checksum FROM files WHERE until = ?1")
        q.bind(1, until)
        var out: [[UInt8]] = []
        while try q.step() { out.append(q.bytes(0)) }
        return out
    }

    /// Records `path` as fully ingested (inside the transaction that wrote its events).
    package func recordFile(path: [UInt8], until: Int64, entry: ManifestEntry, events: Int64, now: Int64) throws {
        path.withUnsafeBytes { insertFile.bindBlob(1, $0) }
        insertFile.bind(2, until)
        insertFile.bind(3, entry.size)
        insertFile.bind(4, entry.mtimeNanos)
        entry.checksum.withUnsafeBytes { insertFile.bindBlob(5, $0) }
        insertFile.bind(6, events)
        insertFile.bind(7, now)
        try insertFile.run()
    }
}

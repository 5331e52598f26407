import Glibc
import KeytrailPOSIX

/// The write side of the index: upserts into the max-register and the file manifest, in explicit
/// transactions. One writer per process.
package final class IndexWriter {
    /// `until` value stored for ingests without `--until`.
    package static let noUntil = Int64.max

    let db: Database
    let maxTs: Statement
    let findFile: Statement
    let insertFile: Statement
    let findDim: Statement
    let insertDim: Statement
    let updateDim: Statement
    let addDetailRef: Statement
    let raiseDetail: Statement
    let dropDetailRef: Statement
    let deleteDetail: Statement
    let findDetail: Statement
    /// `file_names`: a name's id (inserted when new), and an id's name.
    let insertFileName: Statement
    let findFileName: Statement
    let nameOfFile: Statement
    /// Decodes stored Details (to compare two copies of an event), finding their dictionaries here.
    lazy var codec = DetailCodec(reading: db)
    /// Inserts `DimensionRows.batch` new rows at once (one statement step for all of them).
    let insertDims: Statement
    /// New rows offered and not yet inserted (see `offerDimension`'s `new`).
    var pendingRows = DimensionRows()
    /// Rows that stopped naming an event in this transaction, per event.
    var released: [EventRef: Int] = [:]
    let recordHistory: Statement
    let pruneHistory: Statement
    /// `upsertActivitySQL`, and `insertActivitiesSQL` with the rows waiting for it.
    let upsertActivity: Statement
    let insertActivities: Statement
    var pendingActivity = ActivityRows()
    /// `DetailRows.batch` new events in one statement, and one alone (the batch's remainder).
    let insertDetails: Statement
    let insertDetail: Statement
    /// New events offered and not yet inserted (see `referenceEvent`'s `new`).
    var pendingDetails = DetailRows()
    /// The identities (hashed) of the new events offered in this transaction: an event offered
    /// again takes the path that compares its copies.
    var newEvents = Set<Int>()
    /// The schema version an existing index was upgraded from by this writer, if it was.
    package let upgradedFrom: Int64?

    /// Whether the index held no rows when the transaction began.
    package private(set) var startedEmpty = false
    /// The transaction's generation and wall-clock time (ms).
    var generation: Int64 = 0
    var now: Int64 = 0

    /// The index a first build's copy replaces when it is complete (`finishBuild`); nil for a
    /// writer of the index itself.
    package let buildTarget: String?

    /// Opens the index at `path`, creating it (and its schema) when missing.
    package convenience init(path: String) throws(IndexError) { try self.init(path: path, replacing: nil) }

    /// Opens `path`; with `target`, `path` is a first build's copy that nobody else reads: it is
    /// written without a journal (a kill discards it whole, see `startFirstBuild`).
    init(path: String, replacing target: String?) throws(IndexError) {
        try Self.checkWritable(path)
        buildTarget = target
        db = try IndexError.wrapping { () throws(SQLiteError) in
            let db = try Database(path: path, create: true)
            // Page size applies only to a new file (before its first table); Details of ~2 KB pack
            // far better in 16 KiB pages than in 4 KiB ones.
            try db.execute("PRAGMA page_size=16384")
            if target == nil {
                try db.execute("PRAGMA journal_mode=WAL")
                try db.execute("PRAGMA synchronous=NORMAL")
            } else {
                try db.execute("PRAGMA journal_mode=OFF")
                try db.execute("PRAGMA synchronous=OFF")
            }
            // A first build appends every table in key order: its pages are written once, and a
            // small cache loses nothing (8 MiB: peak RSS -14 MiB on the 300k corpus, time equal).
            try db.execute(target == nil ? "PRAGMA cache_size=-65536" : "PRAGMA cache_size=-8192")
            return db
        }
        let db = self.db
        upgradedFrom = try IndexSchema.migrate(db).flatMap { $0 > 0 ? $0 : nil }
        let s = try IndexError.wrapping { () throws(SQLiteError) in try Self.statements(db) }
        insertDims = try IndexError.wrapping { () throws(SQLiteError) in
            try db.prepare(
                "INSERT INTO dims(key, kind, service, name, sub, ts, event_id) VALUES"
                    + Array(repeating: "(?,?,?,?,?,?,?)", count: DimensionRows.batch).joined(separator: ","))
        }
        (upsertActivity, insertActivities) = try IndexError.wrapping { () throws(SQLiteError) in
            (try db.prepare(Self.upsertActivitySQL), try db.prepare(Self.insertActivitiesSQL))
        }
        (insertDetails, insertDetail) = try IndexError.wrapping { () throws(SQLiteError) in
            (
                try db.prepare(DetailRows.insertSQL(rows: DetailRows.batch)),
                try db.prepare(DetailRows.insertSQL(rows: 1))
            )
        }
        (insertFileName, findFileName, nameOfFile) = try IndexError.wrapping { () throws(SQLiteError) in
            (
                try db.prepare("INSERT OR IGNORE INTO file_names(name) VALUES(?1)"),
                try db.prepare("SELECT id FROM file_names WHERE name = ?1"),
                try db.prepare("SELECT name FROM file_names WHERE id = ?1")
            )
        }
        (maxTs, findFile, insertFile, recordHistory, pruneHistory, findDetail) = (s[0], s[1], s[2], s[3], s[4], s[5])
        (findDim, insertDim, updateDim, addDetailRef, raiseDetail, dropDetailRef, deleteDetail) =
            (s[6], s[7], s[8], s[9], s[10], s[11], s[12])
    }

    /// Leaves the index in rollback mode (checkpointing the WAL into it), so that at rest it is one
    /// file that a read-only connection reads without creating a `-wal` or `-shm`: on read-only
    /// media, in a directory the reader cannot write, from a file of mode 0444. Best effort: while
    /// another connection reads it (a query, `serve`), WAL mode stays and readers read through the
    /// `-wal`; the next ingest tries again.
    deinit {
        // A first build's copy is in rollback mode already (and may be the index by now, which a
        // later writer may have put in WAL mode).
        guard buildTarget == nil else { return }
        db.waitForLocks(milliseconds: 0)
        try? db.execute("PRAGMA journal_mode=DELETE")
    }

    /// The statements the writer reuses, in the order `init` assigns them.
    private static func statements(_ db: Database) throws(SQLiteError) -> [Statement] {
        [
            try db.prepare(
                """
                INSERT INTO meta(name, value) VALUES('max_ts', ?1)
                ON CONFLICT(name) DO UPDATE SET value = max(value, excluded.value)
                """),
            try db.prepare("SELECT size, mtime_ns, checksum FROM files WHERE path = ?1 AND until = ?2"),
            try db.prepare(
                """
                INSERT INTO files(path, until, size, mtime_ns, checksum, events, ingested_at)
                VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)
                ON CONFLICT(path, until) DO UPDATE SET
                    size = excluded.size, mtime_ns = excluded.mtime_ns, ingested_at = excluded.ingested_at,
                    events = CASE WHEN checksum = excluded.checksum THEN max(events, excluded.events)
                        ELSE excluded.events END,
                    checksum = excluded.checksum
                """),
            try db.prepare(
                """
                INSERT OR IGNORE INTO dims_history(key, kind, service, name, sub, gen, old_ts, at)
                VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                """),
            try db.prepare("DELETE FROM dims_history WHERE at < ?1"),
            try db.prepare(
                """
                SELECT detail, file, line, col FROM event_details
                WHERE key = ?1 AND service = ?2 AND ts = ?3 AND event_id = ?4
                """),
        ] + (try dimensionStatements(db))
    }

    /// Statements of the sibling dimensions (schema v2).
    static func dimensionStatements(_ db: Database) throws(SQLiteError) -> [Statement] {
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
            // (compared as text, so in Swift: stored texts may be compressed) is kept, with its
            // provenance (`?11`: the provenance changes, to `?8`–`?10`).
            try db.prepare(
                """
                INSERT INTO event_details(key, service, ts, event_id, refs, source, detail, file, line, col)
                VALUES(?6, ?7, ?1, ?2, ?5, ?3, ?4, ?8, ?9, ?10) ON CONFLICT DO NOTHING
                """),
            try db.prepare(
                """
                UPDATE event_details SET refs = refs + ?5, source = iif(?4 IS NULL, source, ?3), detail = ifnull(?4, detail),
                    file = iif(?11, ?8, file), line = iif(?11, ?9, line), col = iif(?11, ?10, col)
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
    package func siblings(requested: Bool?) throws(IndexError) -> Bool {
        let (stored, empty) = try IndexError.wrapping { () throws(SQLiteError) in
            (
                try db.scalarInt("SELECT value FROM meta WHERE name = 'siblings'"),
                try db.scalarInt("SELECT count(*) FROM (SELECT 1 FROM dims LIMIT 1)") == 0
            )
        }
        if let stored, !empty || requested == nil {
            if let requested, requested != (stored != 0) {
                throw stored != 0 ? .keepsSiblings(path: db.path) : .builtProductsOnly(path: db.path)
            }
            return stored != 0
        }
        let value = requested ?? true
        try IndexError.wrapping { () throws(SQLiteError) in
            try db.execute("INSERT OR REPLACE INTO meta(name, value) VALUES('siblings', \(value ? 1 : 0))")
        }
        return value
    }

    /// Clear errors for the usual reasons an index cannot be written, before SQLite's own.
    package static func checkWritable(_ path: String) throws(IndexError) {
        let dir = directory(of: path)
        guard let d = FileStatus(path: dir), d.isDirectory else {
            throw .noDirectory(path: path, directory: dir)
        }
        if access(dir, W_OK) != 0 { throw .directoryNotWritable(path: path, directory: dir, .current) }
        if let f = FileStatus(path: path) {
            if f.isDirectory { throw .isDirectory(path: path) }
            if access(path, W_OK) != 0 { throw .notWritable(path: path, .current) }
        }
    }

    /// The directory holding `path` (the index's journal and temporary files go there too).
    package static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Starts a write transaction (taking the write lock now, not at the first write).
    package func begin() throws(IndexError) {
        try IndexError.wrapping { () throws(SQLiteError) in
            try db.execute("BEGIN IMMEDIATE")
            // Each commit is a generation; sibling rows it moves remember their time before it.
            generation = (try db.scalarInt("SELECT value FROM meta WHERE name = 'gen'") ?? 0) + 1
            // While the rows table is empty (a first build), a row offered once per transaction
            // cannot exist yet: callers that offer each row once may say so and skip the lookup.
            startedEmpty = try db.scalarInt("SELECT count(*) FROM (SELECT 1 FROM dims LIMIT 1)") == 0
            try db.execute("INSERT OR REPLACE INTO meta(name, value) VALUES('gen', \(generation))")
            // And a random name, so that two commits of one generation (a file restored from a
            // backup and written again, two copies of an index each written) are never taken
            // for one another (`IndexCommit`).
            try db.execute("INSERT OR REPLACE INTO meta(name, value) VALUES('commit', randomblob(16))")
        }
        now = Clock.wallMillis()
    }

    /// How long a moved row's former time is kept for paging (a NextToken older than that may be
    /// refused as expired).
    package static let historyMillis: Int64 = 86_400_000

    /// Commits the current transaction.
    package func commit() throws(IndexError) {
        try flushRows()
        try flushActivity()
        try flushDetails()
        newEvents.removeAll()
        try releaseEvents()
        try IndexError.wrapping { () throws(SQLiteError) in
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
    }

    /// Rolls back the current transaction, if any.
    package func rollback() {
        released.removeAll()
        pendingRows.removeAll()
        pendingActivity.removeAll()
        pendingDetails.removeAll()
        newEvents.removeAll()
        try? db.execute("ROLLBACK")
    }

    /// Raises the index's newest UsedTimestamp (what `--as-of latest` means) to at least `ts`.
    package func noteTimestamp(_ ts: Int64) throws(IndexError) {
        maxTs.bind(1, ts)
        try IndexError.wrapping { () throws(SQLiteError) in try maxTs.run() }
    }
}

import CSQLite
import Glibc
import KeytrailPOSIX
package import KeytrailScan

/// The read side of the index: a read-only connection with its statements prepared once.
package final class IndexReader {
    /// A read connection and its statements.
    final class Connection {
        let db: Database
        /// nil for a file without a schema yet (answers as an empty index).
        let byKey: Statement?
        let meta: Statement?
        let byDimension: Statement?
        /// One event's stored Detail.
        let byEvent: Statement?
        /// Decodes stored Details, finding their dictionaries in this file.
        let codec: DetailCodec
        /// The file it reads (a first build replaces the index's file by rename).
        let device: UInt64
        let inode: UInt64
        /// A read transaction's ends (`IndexReader.snapshot`), prepared once.
        let begin: Statement
        let commit: Statement
        /// The file's `meta.token_key`, once read (`commitRead`): it never changes in a file.
        var token: [UInt8]?

        init(path: String, followsIngests: Bool) throws(IndexError) {
            guard let st = FileStatus(path: path) else { throw .missing(path: path) }
            guard st.isRegular else { throw .notAFile(path: path) }
            (device, inode) = (st.device, st.inode)
            let db = try IndexError.wrapping { () throws(SQLiteError) in
                let db = try IndexReader.openReadOnly(path, followsIngests: followsIngests)
                // Reads through a memory map skip a copy per page.
                try db.execute("PRAGMA mmap_size=1073741824")
                return db
            }
            self.db = db
            (begin, commit) = try IndexError.wrapping { () throws(SQLiteError) in
                (try db.prepare("BEGIN"), try db.prepare("COMMIT"))
            }
            codec = DetailCodec(reading: db)
            let readable: Bool
            do {
                readable = try IndexSchema.checkReadable(db)
            } catch {
                // WAL mode with a -wal but no -shm, where none can be created: SQLite cannot read it.
                if case .sqlite(let e) = error, e.code & 0xFF == SQLITE_CANTOPEN,
                    FileStatus(path: path + "-wal") != nil
                {
                    throw .logWithoutSharedMemory(path: path)
                }
                throw error
            }
            let s =
                readable ? try IndexError.wrapping { () throws(SQLiteError) in try IndexReader.statements(db) } : nil
            (byKey, meta, byDimension, byEvent) = (s?[0], s?[1], s?[2], s?[3])
        }
    }

    private(set) var connection: Connection
    /// How many `snapshot`s are open: the outermost one holds the read transaction.
    private(set) var snapshots = 0
    let path: String
    let followsIngests: Bool
    var db: Database { connection.db }
    var byKey: Statement? { connection.byKey }
    var meta: Statement? { connection.meta }
    var byDimension: Statement? { connection.byDimension }
    var byEvent: Statement? { connection.byEvent }

    /// Whether the index is read as a file that cannot change (a WAL file without its log where
    /// nobody, or no ingest beside this reader, can write it).
    package var readsImmutable: Bool { db.isImmutable }
    /// Inflates Details, finding their dictionaries in the index.
    var codec: DetailCodec { connection.codec }

    /// Opens an existing index for reading; a missing file is `IndexError.missing`.
    /// `followsIngests`: the reader lives beside later ingests (`serve`), so it never reads the
    /// file as immutable where an ingest could change it (see `openReadOnly`), and it follows the
    /// index's file when a first build replaces it (see `followIfReplaced`).
    package init(path: String, followsIngests: Bool = false) throws(IndexError) {
        self.path = path
        self.followsIngests = followsIngests
        connection = try Connection(path: path, followsIngests: followsIngests)
    }

    /// Runs `body` in one read transaction, so that every read in it sees the same commit (one
    /// answer never mixes an ingest's before and after, e.g. the newest event of the index and a
    /// key's rows), and SQLite takes its file locks once rather than once a statement. A snapshot
    /// inside another joins it. A commit finishing meanwhile is seen by the next snapshot.
    package func snapshot<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        // Whether this call began the transaction, and so ends it.
        var began = false
        if snapshots == 0 {
            followIfReplaced()
            // A deferred BEGIN cannot fail on a read connection outside a transaction; if it did,
            // the reads below would each be their own transaction, as without a snapshot.
            if !db.inTransaction {
                _ = try? connection.begin.step()
                connection.begin.reset()
                began = db.inTransaction
            }
        }
        snapshots += 1
        defer {
            snapshots -= 1
            if began, db.inTransaction {
                if (try? connection.commit.step()) == nil { try? db.execute("ROLLBACK") }
                connection.commit.reset()
            }
        }
        return try body()
    }

    /// A first build (`IndexWriter.startFirstBuild`) renames a new file onto the empty index:
    /// a reader that follows ingests opens the new file once it is there (one `stat` a question,
    /// never inside a snapshot). A reader that cannot open it keeps the file it has.
    func followIfReplaced() {
        guard followsIngests, snapshots == 0, let st = FileStatus(path: path),
            st.device != connection.device || st.inode != connection.inode
        else { return }
        if let c = try? Connection(path: path, followsIngests: true) { connection = c }
    }

    /// Opens `path` for reading without writing anything, so that a query answers from read-only
    /// media, a directory it cannot write to or a file of mode 0444, and leaves no file behind. An
    /// index at rest is in rollback mode (`IndexWriter` leaves it so): a read-only connection
    /// creates nothing. A WAL-mode file whose `-wal` is there (an ingest running, or one that was
    /// killed) is read through it. A WAL-mode file without one (built before the writer left
    /// rollback mode, or by another tool) is complete in itself, but a read-only connection would
    /// create the `-wal` and `-shm` (or, where it cannot, fail): a query (milliseconds) opens it
    /// immutable. A reader that `followsIngests` (a long-running `serve`) does so only where
    /// nobody can write the file; elsewhere an ingest could change it under an immutable reader,
    /// which would read a changing file as fixed, so it is a plain reader, which may leave the
    /// `-shm` behind rather than answer wrongly.
    static func openReadOnly(_ path: String, followsIngests: Bool = false) throws(SQLiteError) -> Database {
        let writable = POSIX.isWritable(path) && POSIX.isWritable(IndexWriter.directory(of: path))
        let immutable =
            isWALMode(path) && FileStatus(path: path + "-wal") == nil && !(followsIngests && writable)
        return try Database(path: path, readOnly: true, immutable: immutable)
    }

    /// Whether the file's header says WAL mode (its read and write versions are 2).
    static func isWALMode(_ path: String) -> Bool {
        guard let fd = try? POSIX.openForReading(path) else { return false }
        defer { POSIX.close(fd) }
        var header = [UInt8](repeating: 0, count: 20)
        let n = header.withUnsafeMutableBytes { b in
            (try? POSIX.readFully(fd, into: b.baseAddress!, count: 20)) ?? 0
        }
        return n == 20 && header.starts(with: Array("SQLite format 3".utf8)) && header[18] == 2 && header[19] == 2
    }

    /// The statements the reader reuses, in the order `init` assigns them.
    private static func statements(_ db: Database) throws(SQLiteError) -> [Statement] {
        [
            try db.prepare(
                """
                SELECT d.service, d.ts, d.event_id, e.source, e.detail FROM dims d
                JOIN event_details e ON e.key = d.key AND e.service = d.service AND e.ts = d.ts AND e.event_id = d.event_id
                WHERE d.key = ?1 AND d.kind = 0
                """),
            try db.prepare("SELECT value FROM meta WHERE name = ?1"),
            try db.prepare(
                """
                SELECT d.name, d.sub, d.ts, d.event_id, e.source, e.detail,
                    coalesce((SELECT h.old_ts FROM dims_history h
                        WHERE h.key = d.key AND h.kind = d.kind AND h.service = d.service AND h.name = d.name
                            AND h.sub = d.sub AND h.gen > ?4
                        ORDER BY h.gen LIMIT 1), d.ts)
                FROM dims d JOIN event_details e ON e.key = d.key AND e.service = d.service AND e.ts = d.ts AND e.event_id = d.event_id
                WHERE d.key = ?1 AND d.kind = ?2 AND d.service = ?3
                """),
            try db.prepare(
                "SELECT detail FROM event_details WHERE key = ?1 AND service = ?2 AND ts = ?3 AND event_id = ?4"),
        ]
    }

    /// Every service row indexed for `key`, in no particular order; without `details`, their
    /// Details are left empty (not inflated) — see `detail(of:key:)`.
    package func products(key: String, details: Bool = true) throws(IndexError) -> [ProductRow] {
        followIfReplaced()
        guard let byKey else { return [] }
        defer { byKey.reset() }
        byKey.bindText(1, key)
        var rows: [ProductRow] = []
        while try step(byKey) {
            rows.append(
                ProductRow(
                    service: byKey.text(0), timestamp: byKey.int64(1), eventId: byKey.text(2),
                    source: EventSource(code: Int(byKey.int64(3))), detail: details ? try detail(byKey, 4) : []))
        }
        return rows
    }

    /// The newest UsedTimestamp in the index (the end of the archive), nil when empty.
    package func newestTimestamp() throws(IndexError) -> Int64? {
        followIfReplaced()
        return try metaInt("max_ts")
    }

    /// Every row of one sibling dimension of (key, service), in no particular order, with each
    /// row's position as of `generation` (nil: now); the index's generation now; and the newest
    /// generation whose moved rows were forgotten (positions as of an older one are unknown) —
    /// read in one snapshot, so that a commit in between cannot split them.
    package func dimension(key: String, _ kind: Dimension, service: String, generation: Int64? = nil) throws(IndexError)
        -> (
            rows: [DimensionRow], generation: Int64, pruned: Int64
        )
    {
        try snapshot { () throws(IndexError) in
            // The statements of the connection the snapshot reads (it follows a replaced file first).
            guard let byDimension, meta != nil else { return ([], 0, 0) }
            let now = try metaInt("gen") ?? 0
            let pruned = try metaInt("pruned_gen") ?? 0
            defer { byDimension.reset() }
            byDimension.bindText(1, key)
            byDimension.bind(2, Int64(kind.rawValue))
            byDimension.bindText(3, service)
            byDimension.bind(4, generation ?? now)
            var rows: [DimensionRow] = []
            while try step(byDimension) {
                var r = DimensionRow(
                    name: byDimension.text(0), sub: byDimension.text(1), timestamp: byDimension.int64(2),
                    eventId: byDimension.text(3), source: EventSource(code: Int(byDimension.int64(4))),
                    detail: try detail(byDimension, 5))
                r.position = byDimension.int64(6)
                rows.append(r)
            }
            return (rows, now, pruned)
        }
    }

    /// The Detail of one product row of `key` (as `products(key:details: false)` listed it).
    package func detail(of row: ProductRow, key: String) throws(IndexError) -> [UInt8] {
        try detail(key: key, service: row.service, timestamp: row.timestamp, eventId: row.eventId)
    }

    func detail(key: String, service: String, timestamp: Int64, eventId: String) throws(IndexError) -> [UInt8] {
        guard let byEvent else { return [] }
        defer { byEvent.reset() }
        byEvent.bindText(1, key)
        byEvent.bindText(2, service)
        byEvent.bind(3, timestamp)
        byEvent.bindText(4, eventId)
        guard try step(byEvent) else { return [] }
        return try detail(byEvent, 0)
    }

    /// Whether the index keeps the sibling rows (false when built with `ingest --products-only`).
    package func keepsSiblings() throws(IndexError) -> Bool {
        followIfReplaced()
        return try metaInt("siblings").map { $0 != 0 } ?? true
    }

    /// The secret that seals paging tokens (created with the schema; empty for an empty file).
    package func tokenKey() throws(IndexError) -> [UInt8] {
        followIfReplaced()
        return try metaBytes("token_key")
    }

    /// `meta`'s value `name` as an integer (nil when there is none, or it is NULL).
    func metaInt(_ name: String) throws(IndexError) -> Int64? {
        guard let meta else { return nil }
        defer { meta.reset() }
        meta.bindText(1, name)
        guard try step(meta), !meta.isNull(0) else { return nil }
        return meta.int64(0)
    }

    /// The bytes of `meta`'s value `name` (empty when there is none).
    func metaBytes(_ name: String) throws(IndexError) -> [UInt8] {
        guard let meta else { return [] }
        defer { meta.reset() }
        meta.bindText(1, name)
        guard try step(meta), !meta.isNull(0) else { return [] }
        return meta.bytes(0)
    }

    /// Every key in the index with its newest use, its services count and its newest event.
    package func keys() throws(IndexError) -> [KeySummary] {
        followIfReplaced()
        guard byKey != nil else { return [] }
        // SQLite takes the bare columns of an aggregate query from the row that holds the max().
        let q = try IndexError.wrapping { () throws(SQLiteError) in
            try db.prepare(
                "SELECT key, max(ts), count(*), service, event_id FROM dims WHERE kind = 0 GROUP BY key ORDER BY key")
        }
        var out: [KeySummary] = []
        while try step(q) {
            let (key, ts, service) = (q.text(0), q.int64(1), q.text(3))
            out.append(
                KeySummary(
                    key: key, lastUsed: ts, services: Int(q.int64(2)), lastService: service,
                    detail: try detail(key: key, service: service, timestamp: ts, eventId: q.text(4))))
        }
        return out
    }

    /// The manifest, by name (bytes) then `--until`.
    package func manifest() throws(IndexError) -> [ManifestRecord] {
        let q = try IndexError.wrapping { () throws(SQLiteError) in
            try db.prepare(
                "SELECT path, until, size, mtime_ns, checksum, events, ingested_at FROM files ORDER BY path, until")
        }
        var out: [ManifestRecord] = []
        while try step(q) {
            out.append(
                ManifestRecord(
                    name: q.bytes(0), until: q.int64(1),
                    entry: ManifestEntry(size: q.int64(2), mtimeNanos: q.int64(3), checksum: q.bytes(4)),
                    events: q.int64(5), ingestedAt: q.int64(6)))
        }
        return out
    }

    /// A stored Detail as text (inflated when stored compressed).
    func detail(_ st: Statement, _ column: Int32) throws(IndexError) -> [UInt8] {
        guard st.isBlob(column) else { return st.bytes(column) }
        guard let text = st.withBytes(column, { codec.decode($0) }) else {
            throw .corruptDetail(path: db.path, whileWriting: false)
        }
        return text
    }

    /// Steps `st`, SQLite's errors wrapped.
    func step(_ st: Statement) throws(IndexError) -> Bool {
        try IndexError.wrapping { () throws(SQLiteError) in try st.step() }
    }
}

import KeytrailScan

/// What merging one shard did.
package struct MergeCounts: Sendable, Equatable {
    /// Rows read from the shard (products and sibling rows).
    package var rows = 0
    /// Rows that moved the target to the shard's event (or created it).
    package var won = 0
    /// Manifest rows read from the shard.
    package var files = 0

    package init() {}

    /// Both counts summed.
    package static func + (a: MergeCounts, b: MergeCounts) -> MergeCounts {
        var s = a
        s.rows += b.rows
        s.won += b.won
        s.files += b.files
        return s
    }
}

extension IndexWriter {
    /// Attaches `shard` read-only for `merge` (outside a transaction: SQLite attaches only there).
    package func attach(_ shard: IndexReader) throws(IndexError) {
        try IndexError.wrapping { () throws(SQLiteError) in
            let st = try db.prepare("ATTACH DATABASE ?1 AS shard")
            st.bindText(1, Database.uri(shard.db.path, shard.readsImmutable ? "mode=ro&immutable=1" : "mode=ro"))
            try st.run()
        }
    }

    /// Detaches the shard `attach` attached.
    package func detach() { try? db.execute("DETACH DATABASE shard") }

    /// Folds the attached shard into this index inside the current transaction, in set-based
    /// statements that walk both sorted B-trees: each shard row that beats the target's (or is
    /// new) takes its place, by `LatestWins` — SQLite's row values compare `(ts, event_id)` as
    /// the integer and then the bytes, as `LatestWins.compare` does — remembering the moved row's
    /// former time for paging; the Details the taken rows name are copied as stored with their new
    /// references counted once per event, the ones moved rows stop naming are released; where the
    /// same event is in both with other text, the greater text stays (`referenceEvent`, as ingest
    /// does); the manifests are united and the newest time raised. The result equals one ingest
    /// of both inputs: rows are max-registers, so merges commute and a shard merged twice changes
    /// nothing.
    package func merge(_ shard: IndexReader) throws(IndexError) -> MergeCounts {
        var counts = MergeCounts()
        // The shard's Details are copied as stored: their dictionaries come first.
        try uniteDictionaries()
        let differing = try IndexError.wrapping { () throws(SQLiteError) -> [Tie] in
            try db.execute(Self.mapFileNames)
            // The shard's rows that win or tie, with the target row each replaces (NULL: none).
            try db.execute(
                """
                CREATE TEMP TABLE merge_rows AS
                SELECT d.key, d.kind, d.service, d.name, d.sub, d.ts, d.event_id, t.ts AS old_ts,
                    t.event_id AS old_id, (t.key IS NULL OR (d.ts, d.event_id) > (t.ts, t.event_id)) AS won
                FROM shard.dims d LEFT JOIN main.dims t
                    ON t.key = d.key AND t.kind = d.kind AND t.service = d.service AND t.name = d.name AND t.sub = d.sub
                WHERE t.key IS NULL OR (d.ts, d.event_id) >= (t.ts, t.event_id)
                """)
            // The events those rows name, each with the rows it takes (in the Details' key order),
            // and the events the taken rows stop naming, with how many.
            try db.execute(
                """
                CREATE TEMP TABLE merge_events(key, service, ts, event_id, n, PRIMARY KEY(key, service, ts, event_id))
                    WITHOUT ROWID;
                INSERT INTO merge_events SELECT key, service, ts, event_id, sum(won) FROM merge_rows
                    GROUP BY key, service, ts, event_id;
                CREATE TEMP TABLE merge_released(key, service, ts, event_id, n, PRIMARY KEY(key, service, ts, event_id))
                    WITHOUT ROWID;
                INSERT INTO merge_released SELECT key, service, old_ts, old_id, count(*) FROM merge_rows
                    WHERE won AND old_ts IS NOT NULL GROUP BY key, service, old_ts, old_id;
                """)
            defer {
                try? db.execute(
                    """
                    DROP TABLE temp.merge_rows; DROP TABLE temp.merge_events; DROP TABLE temp.merge_released;
                    DROP TABLE temp.merge_files
                    """)
            }
            counts.rows = Int(try db.scalarInt("SELECT count(*) FROM shard.dims") ?? 0)
            counts.won = Int(try db.scalarInt("SELECT count(*) FROM merge_rows WHERE won") ?? 0)
            // The same event with other text, or read elsewhere, on both sides (rare): the greater
            // text stays, and of one text the least provenance. Asked before the shard's Details go
            // in, so that only events the target held are compared.
            let differing = try Self.copies(
                db,
                """
                SELECT e.key, e.service, e.ts, e.event_id, e.source, e.detail, f.id, e.line, e.col
                FROM merge_events w
                JOIN main.event_details t ON t.key = w.key AND t.service = w.service AND t.ts = w.ts AND t.event_id = w.event_id
                JOIN shard.event_details e ON e.key = w.key AND e.service = w.service AND e.ts = w.ts AND e.event_id = w.event_id
                LEFT JOIN merge_files f ON f.shard_id = e.file
                WHERE e.detail IS NOT t.detail OR f.id IS NOT t.file OR e.line IS NOT t.line OR e.col IS NOT t.col
                """)
            try db.execute(
                """
                INSERT OR IGNORE INTO dims_history(key, kind, service, name, sub, gen, old_ts, at)
                SELECT key, kind, service, name, sub, \(generation), old_ts, \(now) FROM merge_rows
                WHERE won AND old_ts IS NOT NULL AND kind <> \(Dimension.product.rawValue);
                INSERT INTO dims(key, kind, service, name, sub, ts, event_id)
                SELECT key, kind, service, name, sub, ts, event_id FROM merge_rows WHERE won
                ON CONFLICT(key, kind, service, name, sub) DO UPDATE SET ts = excluded.ts, event_id = excluded.event_id;
                INSERT INTO event_details(key, service, ts, event_id, refs, source, detail, file, line, col)
                SELECT e.key, e.service, e.ts, e.event_id, w.n, e.source, e.detail, f.id, e.line, e.col
                FROM merge_events w
                JOIN shard.event_details e ON e.key = w.key AND e.service = w.service AND e.ts = w.ts AND e.event_id = w.event_id
                LEFT JOIN merge_files f ON f.shard_id = e.file
                WHERE w.n > 0
                ON CONFLICT(key, service, ts, event_id) DO UPDATE SET refs = refs + excluded.refs;
                UPDATE event_details SET refs = refs - r.n FROM merge_released r
                WHERE event_details.key = r.key AND event_details.service = r.service AND event_details.ts = r.ts
                    AND event_details.event_id = r.event_id;
                DELETE FROM event_details WHERE refs <= 0 AND (key, service, ts, event_id) IN
                    (SELECT key, service, ts, event_id FROM merge_released);
                """)
            try db.execute(Self.uniteFiles)
            try db.execute(Self.uniteActivity)
            counts.files = Int(try db.scalarInt("SELECT count(*) FROM shard.files") ?? 0)
            return differing
        }
        try keepGreater(differing)
        if let newest = try shard.newestTimestamp() { try noteTimestamp(newest) }
        return counts
    }

    /// One copy of an event from a shard: its identity, source, stored Detail and origin (its
    /// file as this index names it).
    typealias Tie = (
        key: [UInt8], service: [UInt8], ts: Int64, id: [UInt8], source: Int64, detail: [UInt8], blob: Bool,
        origin: EventOrigin?
    )

    /// The shard's file names, added to this index's `file_names`, and `temp.merge_files`: each
    /// shard id with this index's id for the same name (the caller drops it).
    static let mapFileNames = """
        INSERT OR IGNORE INTO main.file_names(name) SELECT name FROM shard.file_names;
        CREATE TEMP TABLE merge_files(shard_id INTEGER PRIMARY KEY, id INTEGER NOT NULL);
        INSERT INTO merge_files SELECT s.id, t.id FROM shard.file_names s JOIN main.file_names t ON t.name = s.name;
        """

    /// The copies `query` selects (key, service, ts, event_id, source, detail, file, line, col).
    func shardCopies(_ query: String) throws(IndexError) -> [Tie] {
        try IndexError.wrapping { () throws(SQLiteError) -> [Tie] in try Self.copies(db, query) }
    }

    private static func copies(_ db: Database, _ query: String) throws(SQLiteError) -> [Tie] {
        let q = try db.prepare(query)
        var out: [Tie] = []
        while try q.step() {
            let origin = q.isNull(6) ? nil : EventOrigin(file: q.int64(6), line: q.int64(7), column: q.int64(8))
            out.append(
                (q.bytes(0), q.bytes(1), q.int64(2), q.bytes(3), q.int64(4), q.bytes(5), q.isBlob(5), origin))
        }
        return out
    }

    /// Offers each copy's text for its stored event: of two texts, the greater stays (`referenceEvent`).
    func keepGreater(_ copies: [Tie]) throws(IndexError) {
        for t in copies {
            // Array's withUnsafeBytes rethrows untyped: only `referenceEvent`'s IndexError can come out.
            do {
                try t.key.withUnsafeBytes { key in
                    try t.service.withUnsafeBytes { service in
                        try t.id.withUnsafeBytes { id in
                            try t.detail.withUnsafeBytes { detail in
                                try referenceEvent(
                                    key: key, service: service, timestamp: t.ts, eventId: id,
                                    source: EventSource(code: Int(t.source)), detail: detail, compressed: t.blob,
                                    rows: 0, origin: t.origin)
                            }
                        }
                    }
                }
            } catch let e as IndexError {
                throw e
            } catch {
                preconditionFailure("referenceEvent throws IndexError only: \(error)")
            }
        }
    }

    /// Unites the shard's manifest with this index's: of two rows for the same file and `--until`,
    /// the one ingested last (then the greater size, mtime, checksum, events) stays, so the result
    /// does not depend on the order of merges.
    static let uniteFiles = """
        INSERT INTO files(path, until, size, mtime_ns, checksum, events, ingested_at)
        SELECT path, until, size, mtime_ns, checksum, events, ingested_at FROM shard.files WHERE true
        ON CONFLICT(path, until) DO UPDATE SET
            size = excluded.size, mtime_ns = excluded.mtime_ns, checksum = excluded.checksum,
            events = excluded.events, ingested_at = excluded.ingested_at
        WHERE (excluded.ingested_at, excluded.size, excluded.mtime_ns, excluded.checksum, excluded.events)
            > (ingested_at, size, mtime_ns, checksum, events)
        """

    /// The settings this index was built with: the `--until`s of its manifest, and whether it
    /// keeps sibling rows (nil while it holds no row: a new index takes either).
    package func settings() throws(IndexError) -> (untils: [Int64], siblings: Bool?) {
        try IndexError.wrapping { () throws(SQLiteError) in
            let q = try db.prepare("SELECT DISTINCT until FROM files WHERE until <> ?1 ORDER BY until")
            q.bind(1, Self.noUntil)
            var untils: [Int64] = []
            while try q.step() { untils.append(q.int64(0)) }
            let empty = try db.scalarInt("SELECT count(*) FROM (SELECT 1 FROM dims LIMIT 1)") == 0
            let stored = try db.scalarInt("SELECT value FROM meta WHERE name = 'siblings'")
            return (untils, empty ? nil : stored.map { $0 != 0 } ?? true)
        }
    }
}

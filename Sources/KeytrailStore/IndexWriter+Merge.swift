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
            // The shard is read once, in order: mapped, its pages are not copied out of the kernel.
            try db.execute("PRAGMA shard.mmap_size=\(Self.shardMapBytes)")
        }
    }

    /// How much of a shard is memory-mapped while it is merged (address space, not memory).
    static let shardMapBytes = 1 << 34

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
        if startedEmpty { return try copy(shard) }
        var counts = MergeCounts()
        typealias Tie = (
            key: [UInt8], service: [UInt8], ts: Int64, id: [UInt8], source: Int64, detail: [UInt8], blob: Bool
        )
        let differing = try IndexError.wrapping { () throws(SQLiteError) -> [Tie] in
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
                    "DROP TABLE temp.merge_rows; DROP TABLE temp.merge_events; DROP TABLE temp.merge_released")
            }
            counts.rows = Int(try db.scalarInt("SELECT count(*) FROM shard.dims") ?? 0)
            counts.won = Int(try db.scalarInt("SELECT count(*) FROM merge_rows WHERE won") ?? 0)
            // The same event with other text on both sides (rare): the greater text stays. Asked
            // before the shard's Details go in, so that only events the target held are compared.
            let ties = try db.prepare(
                """
                SELECT e.key, e.service, e.ts, e.event_id, e.source, e.detail
                FROM merge_events w
                JOIN main.event_details t ON t.key = w.key AND t.service = w.service AND t.ts = w.ts AND t.event_id = w.event_id
                JOIN shard.event_details e ON e.key = w.key AND e.service = w.service AND e.ts = w.ts AND e.event_id = w.event_id
                WHERE e.detail IS NOT t.detail
                """)
            var differing: [Tie] = []
            while try ties.step() {
                differing.append(
                    (
                        ties.bytes(0), ties.bytes(1), ties.int64(2), ties.bytes(3), ties.int64(4), ties.bytes(5),
                        ties.isBlob(5)
                    ))
            }
            try db.execute(
                """
                INSERT OR IGNORE INTO dims_history(key, kind, service, name, sub, gen, old_ts, at)
                SELECT key, kind, service, name, sub, \(generation), old_ts, \(now) FROM merge_rows
                WHERE won AND old_ts IS NOT NULL AND kind <> \(Dimension.product.rawValue);
                INSERT INTO dims(key, kind, service, name, sub, ts, event_id)
                SELECT key, kind, service, name, sub, ts, event_id FROM merge_rows WHERE won
                ON CONFLICT(key, kind, service, name, sub) DO UPDATE SET ts = excluded.ts, event_id = excluded.event_id;
                INSERT INTO event_details(key, service, ts, event_id, refs, source, detail)
                SELECT e.key, e.service, e.ts, e.event_id, w.n, e.source, e.detail
                FROM merge_events w
                JOIN shard.event_details e ON e.key = w.key AND e.service = w.service AND e.ts = w.ts AND e.event_id = w.event_id
                WHERE w.n > 0
                ON CONFLICT(key, service, ts, event_id) DO UPDATE SET refs = refs + excluded.refs;
                UPDATE event_details SET refs = refs - r.n FROM merge_released r
                WHERE event_details.key = r.key AND event_details.service = r.service AND event_details.ts = r.ts
                    AND event_details.event_id = r.event_id;
                DELETE FROM event_details WHERE refs <= 0 AND (key, service, ts, event_id) IN
                    (SELECT key, service, ts, event_id FROM merge_released);
                """)
            try db.execute(Self.uniteFiles)
            counts.files = Int(try db.scalarInt("SELECT count(*) FROM shard.files") ?? 0)
            return differing
        }
        for t in differing {
            // Array's withUnsafeBytes rethrows untyped: only `referenceEvent`'s IndexError can come out.
            do {
                try t.key.withUnsafeBytes { key in
                    try t.service.withUnsafeBytes { service in
                        try t.id.withUnsafeBytes { id in
                            try t.detail.withUnsafeBytes { detail in
                                try referenceEvent(
                                    key: key, service: service, timestamp: t.ts, eventId: id,
                                    source: EventSource(code: Int(t.source)), detail: detail, compressed: t.blob,
                                    rows: 0)
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
        if let newest = try shard.newestTimestamp() { try noteTimestamp(newest) }
        return counts
    }

    /// Into an index that holds no row yet, the shard's rows, Details (with their reference
    /// counts) and manifest go in as they are: a shard is an index, consistent in itself.
    func copy(_ shard: IndexReader) throws(IndexError) -> MergeCounts {
        var counts = MergeCounts()
        try IndexError.wrapping { () throws(SQLiteError) in
            try db.execute(
                """
                INSERT INTO dims(key, kind, service, name, sub, ts, event_id)
                SELECT key, kind, service, name, sub, ts, event_id FROM shard.dims;
                INSERT INTO event_details(key, service, ts, event_id, refs, source, detail)
                SELECT key, service, ts, event_id, refs, source, detail FROM shard.event_details;
                """)
            try db.execute(Self.uniteFiles)
            counts.rows = Int(try db.scalarInt("SELECT count(*) FROM shard.dims") ?? 0)
            counts.won = counts.rows
            counts.files = Int(try db.scalarInt("SELECT count(*) FROM shard.files") ?? 0)
        }
        if let newest = try shard.newestTimestamp() { try noteTimestamp(newest) }
        return counts
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

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
    /// Folds `shard` into this index inside the current transaction: every row is offered as an
    /// ingest offers it (`offerDimension`, then `referenceEvent` with the row's Detail as stored),
    /// in the rows' key order, so that the target's B-tree is walked in order; the manifests are
    /// united and the newest event time raised. The result equals one ingest of both inputs:
    /// rows are max-registers (ties included), so the order of merges does not matter and a
    /// shard merged twice changes nothing.
    package func merge(_ shard: IndexReader) throws(IndexError) -> MergeCounts {
        var counts = MergeCounts()
        let rows = try IndexError.wrapping { () throws(SQLiteError) in
            try shard.db.prepare(
                """
                SELECT d.key, d.kind, d.service, d.name, d.sub, d.ts, d.event_id, e.source, e.detail
                FROM dims d JOIN event_details e
                    ON e.key = d.key AND e.service = d.service AND e.ts = d.ts AND e.event_id = d.event_id
                ORDER BY d.key, d.kind, d.service, d.name, d.sub
                """)
        }
        while try shard.step(rows) {
            counts.rows += 1
            guard let kind = Dimension(rawValue: UInt8(truncatingIfNeeded: rows.int64(1))) else {
                throw .sqlite(SQLiteError(code: 11, message: "a row of an unknown kind \(rows.int64(1))"))
            }
            // Each column read once, as bytes: the pointers hold until the next step.
            let (key, service, name, sub) = (
                rows.unsafeBytes(0), rows.unsafeBytes(2), rows.unsafeBytes(3), rows.unsafeBytes(4)
            )
            let (ts, id, source) = (rows.int64(5), rows.unsafeBytes(6), EventSource(code: Int(rows.int64(7))))
            let compressed = rows.isBlob(8)
            let detail = rows.unsafeBytes(8)
            let offer = try offerDimension(
                key: key, kind, service: service, name: name, sub: sub, timestamp: ts, eventId: id)
            switch offer {
            case .lost: continue
            case .won: counts.won += 1
            case .same: break
            }
            try referenceEvent(
                key: key, service: service, timestamp: ts, eventId: id, source: source, detail: detail,
                compressed: compressed, rows: offer == .won ? 1 : 0)
        }
        if let newest = try shard.newestTimestamp() { try noteTimestamp(newest) }
        for record in try shard.manifest() {
            counts.files += 1
            try IndexError.wrapping { () throws(SQLiteError) in try uniteFile(record) }
        }
        return counts
    }

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

    /// Unites one manifest row with this index's: of two rows for the same file and `--until`,
    /// the one ingested last (then the greater size, mtime, checksum, events) stays, so the
    /// result does not depend on the order of merges.
    func uniteFile(_ r: ManifestRecord) throws(SQLiteError) {
        let st = try db.prepare(
            """
            INSERT INTO files(path, until, size, mtime_ns, checksum, events, ingested_at)
            VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)
            ON CONFLICT(path, until) DO UPDATE SET
                size = excluded.size, mtime_ns = excluded.mtime_ns, checksum = excluded.checksum,
                events = excluded.events, ingested_at = excluded.ingested_at
            WHERE (excluded.ingested_at, excluded.size, excluded.mtime_ns, excluded.checksum, excluded.events)
                > (ingested_at, size, mtime_ns, checksum, events)
            """)
        r.name.withUnsafeBytes { st.bindBlob(1, $0) }
        st.bind(2, r.until)
        st.bind(3, r.entry.size)
        st.bind(4, r.entry.mtimeNanos)
        r.entry.checksum.withUnsafeBytes { st.bindBlob(5, $0) }
        st.bind(6, r.events)
        st.bind(7, r.ingestedAt)
        try st.run()
    }
}

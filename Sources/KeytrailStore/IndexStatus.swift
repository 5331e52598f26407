/// What `keytrail status` says of an index: its schema, settings, manifest and contents.
package struct IndexStatus: Sendable, Equatable {
    /// The schema version of the file (0 for a file without a schema yet).
    package var schemaVersion: Int64
    /// Whether the index keeps the sibling rows (false when built with `--products-only`).
    package var siblings: Bool
    /// The `--until` instants the manifest records files under (empty: no point-in-time ingest).
    package var untils: [Int64]
    /// The files in the manifest.
    package var files: Int64
    /// The manifest's event counts summed.
    package var events: Int64
    /// The AccessKey IDs in the index.
    package var keys: Int64
    /// The oldest and newest UsedTimestamp; nil for an empty index.
    package var span: ClosedRange<Int64>?
    /// The wall-clock time (epoch ms) of the newest manifest entry; nil before the first commit.
    package var lastIngest: Int64?
}

extension IndexReader {
    /// The index's status, read in one snapshot; without `counting`, its keys and span are left
    /// out (0 and nil), which would read every row.
    package func status(counting: Bool = true) throws(IndexError) -> IndexStatus {
        try snapshot { () throws(IndexError) in try readStatus(counting: counting) }
    }

    private func readStatus(counting: Bool) throws(IndexError) -> IndexStatus {
        let version = try IndexError.wrapping { () throws(SQLiteError) in try db.scalarInt("PRAGMA user_version") } ?? 0
        guard byKey != nil else {
            return IndexStatus(
                schemaVersion: version, siblings: true, untils: [], files: 0, events: 0, keys: 0, span: nil,
                lastIngest: nil)
        }
        let siblings = try keepsSiblings()
        let q = try IndexError.wrapping { () throws(SQLiteError) in
            try db.prepare(
                counting
                    ? """
                    SELECT count(*), coalesce(sum(events), 0), max(ingested_at),
                        (SELECT count(DISTINCT key) FROM dims WHERE kind = 0),
                        (SELECT min(ts) FROM dims WHERE kind = 0), (SELECT max(ts) FROM dims WHERE kind = 0)
                    FROM files
                    """
                    : "SELECT count(*), coalesce(sum(events), 0), max(ingested_at), 0, NULL, NULL FROM files")
        }
        guard try step(q) else {
            return IndexStatus(
                schemaVersion: version, siblings: siblings, untils: [], files: 0, events: 0, keys: 0, span: nil,
                lastIngest: nil)
        }
        var s = IndexStatus(
            schemaVersion: version, siblings: siblings, untils: [], files: q.int64(0), events: q.int64(1),
            keys: q.int64(3), span: q.isNull(4) ? nil : q.int64(4)...q.int64(5),
            lastIngest: q.isNull(2) ? nil : q.int64(2))
        let u = try IndexError.wrapping { () throws(SQLiteError) in
            try db.prepare("SELECT DISTINCT until FROM files WHERE until <> ?1 ORDER BY until")
        }
        u.bind(1, IndexWriter.noUntil)
        while try step(u) { s.untils.append(u.int64(0)) }
        return s
    }
}

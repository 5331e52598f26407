/// What the index holds as a whole: its keys and the time its events span (for the note on a key
/// it does not know).
package struct IndexCensus: Sendable, Equatable {
    /// Every AccessKey ID in the index, ordered by bytes.
    package var keys: [String]
    /// The oldest and newest UsedTimestamp of its products; nil for an empty index.
    package var span: ClosedRange<Int64>?

    /// A census of `keys` spanning `span`.
    package init(keys: [String], span: ClosedRange<Int64>?) {
        self.keys = keys
        self.span = span
    }
}

extension IndexReader {
    /// The index's keys and the time its events span, read in one snapshot.
    package func census() throws(IndexError) -> IndexCensus {
        try snapshot { () throws(IndexError) in
            guard byKey != nil else { return IndexCensus(keys: [], span: nil) }
            let q = try IndexError.wrapping { () throws(SQLiteError) in
                try db.prepare("SELECT DISTINCT key FROM dims WHERE kind = 0 ORDER BY key")
            }
            var keys: [String] = []
            while try step(q) { keys.append(q.text(0)) }
            let s = try IndexError.wrapping { () throws(SQLiteError) in
                try db.prepare("SELECT min(ts), max(ts) FROM dims WHERE kind = 0")
            }
            guard try step(s), !s.isNull(0) else { return IndexCensus(keys: keys, span: nil) }
            return IndexCensus(keys: keys, span: s.int64(0)...s.int64(1))
        }
    }

    /// The index's commit generation: it changes with every ingest that commits.
    package func generation() throws(IndexError) -> Int64 {
        followIfReplaced()
        return try metaInt("gen") ?? 0
    }
}

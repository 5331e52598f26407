extension IndexWriter {
    /// The manifest entry for `path` ingested with `until`, if any.
    package func manifestEntry(path: [UInt8], until: Int64) throws(IndexError) -> ManifestEntry? {
        defer { findFile.reset() }
        path.withUnsafeBytes { findFile.bindBlob(1, $0) }
        findFile.bind(2, until)
        guard try IndexError.wrapping({ () throws(SQLiteError) in try findFile.step() }) else { return nil }
        return ManifestEntry(size: findFile.int64(0), mtimeNanos: findFile.int64(1), checksum: findFile.bytes(2))
    }

    /// Every content checksum the manifest holds for `until`.
    package func checksums(until: Int64) throws(IndexError) -> [[UInt8]] {
        try IndexError.wrapping { () throws(SQLiteError) in
            let q = try db.prepare("SELECT checksum FROM files WHERE until = ?1")
            q.bind(1, until)
            var out: [[UInt8]] = []
            while try q.step() { out.append(q.bytes(0)) }
            return out
        }
    }

    /// Records `path` as fully ingested (inside the transaction that wrote its events).
    package func recordFile(
        path: [UInt8], until: Int64, entry: ManifestEntry, events: Int64, now: Int64
    ) throws(IndexError) {
        path.withUnsafeBytes { insertFile.bindBlob(1, $0) }
        insertFile.bind(2, until)
        insertFile.bind(3, entry.size)
        insertFile.bind(4, entry.mtimeNanos)
        entry.checksum.withUnsafeBytes { insertFile.bindBlob(5, $0) }
        insertFile.bind(6, events)
        insertFile.bind(7, now)
        try IndexError.wrapping { () throws(SQLiteError) in try insertFile.run() }
    }
}

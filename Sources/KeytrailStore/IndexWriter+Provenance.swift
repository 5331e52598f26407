import KeytrailScan

/// Where a stored event was read, its file named by the index's `file_names` id.
package struct EventOrigin: Equatable, Sendable {
    /// The `file_names` id of the file's manifest name.
    package var file: Int64
    /// 1-based line.
    package var line: Int64
    /// 1-based byte column.
    package var column: Int64

    /// An origin.
    package init(file: Int64, line: Int64, column: Int64) {
        self.file = file
        self.line = line
        self.column = column
    }
}

extension IndexWriter {
    /// The `file_names` id of the manifest name `name`, added when new (inside the caller's
    /// transaction: an id is valid until it rolls back).
    package func fileId(_ name: [UInt8]) throws(IndexError) -> Int64 {
        try IndexError.wrapping { () throws(SQLiteError) -> Int64 in
            name.withUnsafeBytes { insertFileName.bindBlob(1, $0) }
            try insertFileName.run()
            defer { findFileName.reset() }
            name.withUnsafeBytes { findFileName.bindBlob(1, $0) }
            guard try findFileName.step() else { preconditionFailure("file_names lost a name just inserted") }
            return findFileName.int64(0)
        }
    }

    /// The manifest name of `file_names` id `id` (empty when there is none: a corrupt index).
    func fileName(_ id: Int64) throws(IndexError) -> [UInt8] {
        try IndexError.wrapping { () throws(SQLiteError) -> [UInt8] in
            defer { nameOfFile.reset() }
            nameOfFile.bind(1, id)
            return try nameOfFile.step() ? nameOfFile.bytes(0) : []
        }
    }

    /// `Provenance.precedes` for two origins in this index.
    func precedes(_ a: EventOrigin?, _ b: EventOrigin?) throws(IndexError) -> Bool {
        guard let a, let b, a.file != b.file else {
            return Provenance.precedes(
                a.map { Provenance(file: [], line: $0.line, column: $0.column) },
                b.map { Provenance(file: [], line: $0.line, column: $0.column) })
        }
        return Provenance.precedes(
            Provenance(file: try fileName(a.file), line: a.line, column: a.column),
            Provenance(file: try fileName(b.file), line: b.line, column: b.column))
    }
}

extension IndexWriter {
    /// Byte-identical files (one checksum, one `--until`) hold each event at the same line and
    /// column, and only one of them is read: so that the provenance does not depend on which, the
    /// least name of each content in `checksums` (copies the transaction records) names the events
    /// any of its names names. Run after the transaction's manifest rows; one pass over the
    /// stored events when a name changes.
    package func nameCopies(_ checksums: [[UInt8]], until: Int64) throws(IndexError) {
        guard !checksums.isEmpty else { return }
        try IndexError.wrapping { () throws(SQLiteError) in
            try db.execute(
                """
                CREATE TEMP TABLE IF NOT EXISTS copy_sums(checksum BLOB PRIMARY KEY);
                CREATE TEMP TABLE IF NOT EXISTS copy_names(old INTEGER PRIMARY KEY, new INTEGER NOT NULL);
                DELETE FROM copy_sums; DELETE FROM copy_names;
                """)
            let add = try db.prepare("INSERT OR IGNORE INTO copy_sums(checksum) VALUES(?1)")
            for c in checksums {
                c.withUnsafeBytes { add.bindBlob(1, $0) }
                try add.run()
            }
            try db.execute(
                """
                CREATE TEMP TABLE copy_least AS SELECT f.checksum, min(f.path) AS least FROM files f
                    JOIN copy_sums s ON s.checksum = f.checksum WHERE f.until = \(until) GROUP BY f.checksum;
                INSERT OR IGNORE INTO main.file_names(name) SELECT least FROM copy_least;
                INSERT OR IGNORE INTO copy_names SELECT o.id, l.id FROM copy_least m
                    JOIN files f ON f.checksum = m.checksum AND f.until = \(until) AND f.path > m.least
                    JOIN main.file_names o ON o.name = f.path
                    JOIN main.file_names l ON l.name = m.least;
                DROP TABLE temp.copy_least;
                """)
            guard (try db.scalarInt("SELECT count(*) FROM copy_names") ?? 0) > 0 else { return }
            try db.execute("UPDATE event_details SET file = c.new FROM copy_names c WHERE event_details.file = c.old")
        }
    }
}

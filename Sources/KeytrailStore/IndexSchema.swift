/// The index's schema and its versioned migrations.
///
/// A keytrail index is recognised by `PRAGMA application_id`; `PRAGMA user_version` is the schema
/// version. Pending migrations run in one transaction, so a killed migration leaves the old version.
package enum IndexSchema {
    /// 'ktrl' — marks a SQLite file as a keytrail index.
    package static let applicationID: Int64 = 0x6B74_726C
    /// The schema version this build writes and reads.
    package static let currentVersion: Int64 = 3

    static let migrations: [String] = [
        // v1: the products max-register, the file manifest, and metadata.
        """
        CREATE TABLE meta(name TEXT PRIMARY KEY, value) WITHOUT ROWID;
        CREATE TABLE products(
            key TEXT NOT NULL,
            service TEXT NOT NULL,
            ts INTEGER NOT NULL,
            event_id TEXT NOT NULL,
            source INTEGER NOT NULL,
            detail TEXT NOT NULL,
            UNIQUE(key, service)
        );
        CREATE TABLE files(
            path BLOB NOT NULL,
            until INTEGER NOT NULL,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            checksum BLOB NOT NULL,
            events INTEGER NOT NULL,
            ingested_at INTEGER NOT NULL,
            PRIMARY KEY(path, until)
        ) WITHOUT ROWID;
        CREATE INDEX files_by_checksum ON files(checksum, until);
        """,
        // v2: every "latest" row — per service (products) and per eventName, sourceIpAddress and
        // resource of a service (the siblings) — lives in `dims` and names its winning event; an
        // event's Detail is stored once in `event_details`, however many rows it wins, and deleted
        // when the last one moves on (`refs`). An event is its key, service, time and eventId: all
        // the rows one event wins share them, and events that merely collide on time and eventId
        // stay apart. Details are clustered by their key (WITHOUT ROWID): a commit appends them in
        // key order, and a key's Details sit together. `dims_history` keeps, for a day, the time a row had
        // before each commit (`gen`) that moved it, so that pages of a listing keep the order of
        // their first page. v1's products move over as they are; the manifest is forgotten so that
        // the next ingest reads every file again and fills the siblings (rows are max-registers:
        // reading a file twice changes nothing).
        """
        CREATE TABLE dims(
            key TEXT NOT NULL,
            kind INTEGER NOT NULL,
            service TEXT NOT NULL,
            name TEXT NOT NULL,
            sub TEXT NOT NULL,
            ts INTEGER NOT NULL,
            event_id TEXT NOT NULL,
            PRIMARY KEY(key, kind, service, name, sub)
        ) WITHOUT ROWID;
        CREATE TABLE event_details(
            key TEXT NOT NULL,
            service TEXT NOT NULL,
            ts INTEGER NOT NULL,
            event_id TEXT NOT NULL,
            refs INTEGER NOT NULL,
            source INTEGER NOT NULL,
            detail TEXT NOT NULL,
            PRIMARY KEY(key, service, ts, event_id)
        ) WITHOUT ROWID;
        CREATE TABLE dims_history(
            key TEXT NOT NULL,
            kind INTEGER NOT NULL,
            service TEXT NOT NULL,
            name TEXT NOT NULL,
            sub TEXT NOT NULL,
            gen INTEGER NOT NULL,
            old_ts INTEGER NOT NULL,
            at INTEGER NOT NULL,
            PRIMARY KEY(key, kind, service, name, sub, gen)
        ) WITHOUT ROWID;
        CREATE INDEX dims_history_by_time ON dims_history(at);
        INSERT INTO event_details(key, service, ts, event_id, refs, source, detail)
            SELECT key, service, ts, event_id, 1, source, detail FROM products;
        INSERT INTO dims(key, kind, service, name, sub, ts, event_id)
            SELECT key, 0, service, '', '', ts, event_id FROM products;
        DROP TABLE products;
        -- For people and scripts that query the index with SQL: v1's products, as a view.
        CREATE VIEW products(key, service, ts, event_id, source, detail) AS
            SELECT d.key, d.service, d.ts, d.event_id, e.source, e.detail FROM dims d
            JOIN event_details e ON e.key = d.key AND e.service = d.service AND e.ts = d.ts AND e.event_id = d.event_id WHERE d.kind = 0;
        INSERT OR REPLACE INTO meta(name, value) VALUES('token_key', randomblob(32));
        INSERT OR REPLACE INTO meta(name, value) VALUES('gen', 0);
        DELETE FROM files;
        """,
        // v3: what the cloud does not keep. `activity` is the set of a key's events per service
        // and UTC day (`day` = floor(ts / 86,400,000)), each eventId once a day with its latest
        // time: a day's count is its rows, its first and last use their least and greatest `ts`,
        // and reading an event twice, or from two files, or from two shards, changes nothing.
        // Provenance: each stored event names the file it was read from (`file_names`, by
        // manifest name) and the 1-based line and byte column, in the decompressed text, where
        // its own text starts (for an event inside a JSON string, where that string starts);
        // NULL for events stored before v3. `dictionaries` holds the zstd dictionaries Details
        // are compressed with (`DetailCodec`; meta 'dictionary' names the one new Details use),
        // trained on the index's own events; Details stored before keep their DEFLATE form. The
        // manifest is forgotten, as in v2, so that the next ingest reads every file again and
        // fills activity and provenance.
        """
        CREATE TABLE activity(
            key TEXT NOT NULL,
            service TEXT NOT NULL,
            day INTEGER NOT NULL,
            event_id TEXT NOT NULL,
            ts INTEGER NOT NULL,
            PRIMARY KEY(key, service, day, event_id)
        ) WITHOUT ROWID;
        CREATE TABLE file_names(id INTEGER PRIMARY KEY, name BLOB NOT NULL UNIQUE);
        CREATE TABLE dictionaries(id INTEGER PRIMARY KEY, dict BLOB NOT NULL);
        ALTER TABLE event_details ADD COLUMN file INTEGER;
        ALTER TABLE event_details ADD COLUMN line INTEGER;
        ALTER TABLE event_details ADD COLUMN col INTEGER;
        DELETE FROM files;
        """,
    ]

    /// Creates or upgrades the schema of a writable connection; refuses foreign or newer files.
    /// Returns the version the file had (0 for a new one) when it was upgraded, else nil.
    @discardableResult
    static func migrate(_ db: Database) throws(IndexError) -> Int64? {
        let (app, version, tables) = try IndexError.wrapping { () throws(SQLiteError) in try identify(db) }
        try check(path: db.path, app: app, version: version, tables: tables)
        guard version < currentVersion else { return nil }
        return try IndexError.wrapping { () throws(SQLiteError) in try upgrade(db) }
    }

    /// Runs every pending migration in one transaction: a reader never sees a half-upgraded file.
    private static func upgrade(_ db: Database) throws(SQLiteError) -> Int64? {
        try db.execute("BEGIN IMMEDIATE")
        do throws(SQLiteError) {
            // Re-read under the write lock: another process may have migrated meanwhile.
            var version = try db.scalarInt("PRAGMA user_version") ?? 0
            let from = version
            while version < currentVersion {
                try db.execute(migrations[Int(version)])
                version += 1
            }
            try db.execute("PRAGMA application_id = \(applicationID)")
            try db.execute("PRAGMA user_version = \(version)")
            try db.execute("COMMIT")
            return from == currentVersion ? nil : from
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    /// Checks a connection for reading: a keytrail index of a version this build understands.
    /// Returns false for a file with no schema yet (an ingest killed before it wrote one): it
    /// answers as an empty index.
    static func checkReadable(_ db: Database) throws(IndexError) -> Bool {
        let (app, version, tables) = try IndexError.wrapping { () throws(SQLiteError) in try identify(db) }
        try check(path: db.path, app: app, version: version, tables: tables)
        if app == 0 && version == 0 && tables == 0 { return false }
        if version < currentVersion { throw .olderSchema(path: db.path, version: version) }
        return true
    }

    /// The file's application id, schema version and count of schema objects.
    private static func identify(_ db: Database) throws(SQLiteError) -> (app: Int64, version: Int64, tables: Int64) {
        let app = try db.scalarInt("PRAGMA application_id") ?? 0
        let version = try db.scalarInt("PRAGMA user_version") ?? 0
        let tables = try db.scalarInt("SELECT count(*) FROM sqlite_schema") ?? 0
        return (app, version, tables)
    }

    static func check(path: String, app: Int64, version: Int64, tables: Int64) throws(IndexError) {
        if app == 0 && version == 0 && tables == 0 { return }
        guard app == applicationID else { throw .foreign(path: path) }
        if version > currentVersion { throw .newerSchema(path: path, version: version, supported: currentVersion) }
    }
}

import CSQLite
@preconcurrency import Glibc
import KeytrailSynth

extension Bench {
    /// The SQLite floor under ingest: the plain C loop — one prepared INSERT, bound with explicit
    /// lengths, stepped once per row inside one transaction — into a WITHOUT ROWID table shaped
    /// like the index's `dims` (key, kind, service, name, sub → ts, event_id), with the index's
    /// settings (WAL, synchronous=NORMAL). One row per corpus event, in primary-key order as a
    /// commit writes them. Compare its rows/s with the ingest figures' `dims rows/s`.
    func sqliteFloor() throws {
        let rows = Self.dimsLikeRows(config.events)
        let path = config.corpusDir + "/bench-floor.sqlite"
        let t = try measure(runs: config.runs) {
            for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
            return try Self.seconds { try Self.insert(rows, into: path) }
        }
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
        figures.append(
            Figure(
                name: "sqlite floor: INSERT dims-shaped rows", median: Double(rows.count) / t.median,
                min: Double(rows.count) / t.min, unit: "rows/s", extra: [("seconds", t.median)]))
    }

    /// The rows of the floor: their text in one buffer (bound in place, SQLITE_STATIC), and the
    /// integer columns.
    struct Rows {
        var text: [UInt8] = []
        /// Per row: where key, service, name and event_id start in `text`, and their lengths.
        var spans: [(offset: Int, lengths: (Int32, Int32, Int32, Int32))] = []
        var kinds: [Int64] = []
        var times: [Int64] = []
        var count: Int { spans.count }
    }

    /// `count` distinct rows over the benchmark's population of keys and services, in primary-key order.
    static func dimsLikeRows(_ count: Int) -> Rows {
        let factory = EventFactory.benchmark(seed: 1)
        var rng = SplitMix(seed: 3)
        var made: [(key: String, kind: Int64, service: String, name: String, ts: Int64, eventId: String)] = []
        made.reserveCapacity(count)
        for i in 0..<count {
            let kind = Int64(i % 4)
            made.append(
                (
                    factory.keys[rng.below(factory.keys.count)], kind,
                    factory.services[rng.below(factory.services.count)], kind == 0 ? "" : "Name\(i)",
                    1_700_000_000_000 + Int64(rng.below(1 << 30)), "A1B2C3D4-0000-4E5F-8A9B-\(100_000_000_000 + i)"
                ))
        }
        made.sort { a, b in
            if a.key != b.key { return a.key.utf8.lexicographicallyPrecedes(b.key.utf8) }
            if a.kind != b.kind { return a.kind < b.kind }
            if a.service != b.service { return a.service.utf8.lexicographicallyPrecedes(b.service.utf8) }
            return a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }
        var rows = Rows()
        var last: (String, Int64, String, String)?
        for r in made {
            // The first of any (key, kind, service, name) that repeats: the table's primary key.
            if let last, last == (r.key, r.kind, r.service, r.name) { continue }
            last = (r.key, r.kind, r.service, r.name)
            let offset = rows.text.count
            for part in [r.key, r.service, r.name, r.eventId] { rows.text += part.utf8 }
            let n = (
                Int32(r.key.utf8.count), Int32(r.service.utf8.count), Int32(r.name.utf8.count),
                Int32(r.eventId.utf8.count)
            )
            rows.spans.append((offset, n))
            rows.kinds.append(r.kind)
            rows.times.append(r.ts)
        }
        return rows
    }

    /// Creates a fresh database at `path` and inserts `rows` in one transaction.
    static func insert(_ rows: Rows, into path: String) throws {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK, let db else {
            throw BenchError("cannot open \(path)")
        }
        defer { sqlite3_close_v2(db) }
        func exec(_ sql: String) throws {
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
                throw BenchError("\(sql): \(String(cString: sqlite3_errmsg(db)))")
            }
        }
        try exec("PRAGMA journal_mode=WAL")
        try exec("PRAGMA synchronous=NORMAL")
        try exec(
            """
            CREATE TABLE dims(key TEXT NOT NULL, kind INTEGER NOT NULL, service TEXT NOT NULL, name TEXT NOT NULL,
                sub TEXT NOT NULL, ts INTEGER NOT NULL, event_id TEXT NOT NULL,
                PRIMARY KEY(key, kind, service, name, sub)) WITHOUT ROWID
            """)
        var stmt: OpaquePointer?
        let sql = "INSERT INTO dims(key, kind, service, name, sub, ts, event_id) VALUES(?1, ?2, ?3, ?4, '', ?5, ?6)"
        guard sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil) == SQLITE_OK,
            let stmt
        else { throw BenchError("prepare: \(String(cString: sqlite3_errmsg(db)))") }
        defer { sqlite3_finalize(stmt) }
        try exec("BEGIN IMMEDIATE")
        let failed: Int32 = rows.text.withUnsafeBytes { text in
            let base = text.baseAddress!
            let still = keytrail_sqlite_static()
            for r in 0..<rows.count {
                let (offset, n) = rows.spans[r]
                var p = base + offset
                sqlite3_bind_text(stmt, 1, p, n.0, still)
                sqlite3_bind_int64(stmt, 2, rows.kinds[r])
                p += Int(n.0)
                sqlite3_bind_text(stmt, 3, p, n.1, still)
                p += Int(n.1)
                sqlite3_bind_text(stmt, 4, p, n.2, still)
                p += Int(n.2)
                sqlite3_bind_int64(stmt, 5, rows.times[r])
                sqlite3_bind_text(stmt, 6, p, n.3, still)
                let rc = sqlite3_step(stmt)
                sqlite3_reset(stmt)
                if rc != SQLITE_DONE { return rc }
            }
            return SQLITE_DONE
        }
        guard failed == SQLITE_DONE else { throw BenchError("insert: \(String(cString: sqlite3_errmsg(db)))") }
        try exec("COMMIT")
    }
}

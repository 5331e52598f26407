import CSQLite

/// A SQLite connection. Not thread-safe: use one per thread.
package final class Database {
    let handle: OpaquePointer
    /// The path the connection was opened with.
    package let path: String
    /// Whether SQLite reads the file as one that cannot change (`immutable=1`).
    package let isImmutable: Bool

    /// Opens (and with `create`, creates) the database at `path`. `immutable` (read-only only)
    /// tells SQLite the file cannot change while open: it then takes no locks and opens no `-wal`
    /// or `-shm` file, which is how a WAL database on read-only media is read.
    package init(path: String, readOnly: Bool = false, create: Bool = false, immutable: Bool = false)
        throws(SQLiteError)
    {
        var db: OpaquePointer?
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        flags |= readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create && !readOnly { flags |= SQLITE_OPEN_CREATE }
        let name = immutable && readOnly ? Self.uri(path, "immutable=1") : path
        // URI filenames: the immutable form above, and `ATTACH`ing a shard read-only (a merge).
        // A plain path not starting with `file:` is read as a path either way.
        if name != path || !path.hasPrefix("file:") { flags |= SQLITE_OPEN_URI }
        let rc = sqlite3_open_v2(name, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open database"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: rc, message: message, path: path)
        }
        handle = db
        self.path = path
        isImmutable = name != path
        sqlite3_busy_timeout(db, 30_000)
    }

    deinit { sqlite3_close_v2(handle) }

    /// `file:PATH?QUERY`, the path's bytes percent-encoded where a URI would read them otherwise.
    static func uri(_ path: String, _ query: String) -> String {
        var s = path.hasPrefix("/") ? "file://" : "file:"
        for b in path.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                s.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                s += "%" + String(decoding: [hex[Int(b >> 4)], hex[Int(b & 15)]], as: UTF8.self)
            }
        }
        return s + "?" + query
    }

    /// How long a statement waits for a lock another connection holds before it fails with BUSY.
    package func waitForLocks(milliseconds: Int32) { sqlite3_busy_timeout(handle, milliseconds) }

    /// Whether a transaction is open (SQLite is not in autocommit mode).
    package var inTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    package var changes: Int { Int(sqlite3_changes64(handle)) }

    /// Runs one or more statements that return no rows.
    package func execute(_ sql: String) throws(SQLiteError) {
        var err: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &err)
        if rc != SQLITE_OK {
            let message = err.map { String(cString: $0) } ?? lastMessage
            sqlite3_free(err)
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: message, sql: sql, path: path)
        }
    }

    /// Prepares a statement for repeated use.
    package func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, sql: sql) }
        return Statement(stmt, db: self, sql: sql)
    }

    /// The single integer a query returns, or nil when it returns no row or NULL.
    package func scalarInt(_ sql: String) throws(SQLiteError) -> Int64? {
        let s = try prepare(sql)
        guard try s.step() else { return nil }
        return s.isNull(0) ? nil : s.int64(0)
    }

    var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }

    func error(_ rc: Int32, sql: String?) -> SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(handle), message: lastMessage, sql: sql, path: path)
    }
}

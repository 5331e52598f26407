import CSQLite

/// An error reported by SQLite, with its extended result code, message, the statement involved
/// and the file.
package struct SQLiteError: Error, CustomStringConvertible, CustomDebugStringConvertible, Sendable, Equatable {
    /// The extended result code (`sqlite3_extended_errcode`).
    package var code: Int32
    /// SQLite's message.
    package var message: String
    /// The SQL being run, when known.
    package var sql: String?
    /// The database file, when known.
    package var path: String?

    /// Creates an error.
    package init(code: Int32, message: String, sql: String? = nil, path: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
        self.path = path
    }

    /// What went wrong, in the user's words: never SQLite's codes or SQL (`debugDescription` has
    /// them).
    package var description: String {
        let file = path ?? "the index"
        switch code & 0xFF {
        case SQLITE_NOTADB: return "\(file) is not a keytrail index"
        case SQLITE_CORRUPT: return "\(file) is damaged; build a new index with `keytrail ingest --db NEW PATH...`"
        case SQLITE_BUSY, SQLITE_LOCKED: return "\(file) is busy: another process holds it; try again"
        case SQLITE_FULL: return "cannot write \(file): the disk is full"
        case SQLITE_IOERR: return "cannot read or write \(file): input/output error"
        case SQLITE_CANTOPEN: return "cannot open \(file)"
        case SQLITE_PERM, SQLITE_AUTH: return "cannot open \(file): permission denied"
        case SQLITE_NOMEM: return "out of memory reading \(file)"
        case SQLITE_READONLY:
            // SQLITE_READONLY_RECOVERY, _ROLLBACK and _CANTINIT (macros Swift does not import).
            if [SQLITE_READONLY | 1 << 8, SQLITE_READONLY | 3 << 8, SQLITE_READONLY | 5 << 8].contains(code) {
                return "\(file) was left mid-write by an interrupted ingest; rerun that ingest where the file "
                    + "can be written, then query it"
            }
            return "cannot write \(file): it is read-only"
        default: return "\(file): \(message)"
        }
    }

    /// `message (SQLite code N) in: SQL`, for tests and traces.
    package var debugDescription: String {
        var s = "\(message) (SQLite code \(code))"
        if let sql { s += " in: \(sql)" }
        return s
    }
}

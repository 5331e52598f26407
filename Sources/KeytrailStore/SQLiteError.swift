/// An error reported by SQLite, with its extended result code, message and the statement involved.
package struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The extended result code (`sqlite3_extended_errcode`).
    package var code: Int32
    /// SQLite's message.
    package var message: String
    /// The SQL being run, when known.
    package var sql: String?

    /// Creates an error.
    package init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// Whether the primary result code is SQLITE_BUSY or SQLITE_LOCKED.
    package var isBusy: Bool { code & 0xFF == 5 || code & 0xFF == 6 }

    /// `message (code N)`, with the SQL when known.
    package var description: String {
        var s = "\(message) (SQLite code \(code))"
        if let sql { s += " in: \(sql)" }
        return s
    }
}

/// An error about the index file itself (not a keytrail index, too new, missing).
package struct IndexError: Error, CustomStringConvertible, Sendable {
    /// A full sentence for the user.
    package var description: String

    /// Creates an error with a message for the user.
    package init(_ description: String) { self.description = description }
}

/// An error reported by SQLite, with its extended result code, message and the statement involved.
package struct SQLiteError: Error, CustomStringConvertible, Sendable, Equatable {
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

    /// `message (code N)`, with the SQL when known.
    package var description: String {
        var s = "\(message) (SQLite code \(code))"
        if let sql { s += " in: \(sql)" }
        return s
    }
}

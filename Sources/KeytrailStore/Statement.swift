import CSQLite

/// A prepared statement, reset and reused between executions.
package final class Statement {
    let stmt: OpaquePointer
    unowned let db: Database
    let sql: String

    init(_ stmt: OpaquePointer, db: Database, sql: String) {
        self.stmt = stmt
        self.db = db
        self.sql = sql
    }

    deinit { sqlite3_finalize(stmt) }

    /// Clears bindings and resets the statement for the next execution.
    package func reset() {
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
    }

    /// Binds a 64-bit integer to the 1-based parameter `index`.
    package func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(stmt, index, value)
    }

    /// Binds UTF-8 text (copied by SQLite) with its explicit byte length.
    package func bindText(_ index: Int32, _ bytes: UnsafeRawBufferPointer) {
        let p = (bytes.baseAddress ?? UnsafeRawPointer(Self.emptyText)).assumingMemoryBound(to: CChar.self)
        sqlite3_bind_text64(stmt, index, p, UInt64(bytes.count), keytrail_sqlite_transient(), UInt8(SQLITE_UTF8))
    }

    /// Binds UTF-8 text without copying it: the bytes must stay valid until the statement is
    /// stepped and reset (or rebound).
    package func bindStaticText(_ index: Int32, _ bytes: UnsafeRawBufferPointer) {
        let p = (bytes.baseAddress ?? UnsafeRawPointer(Self.emptyText)).assumingMemoryBound(to: CChar.self)
        sqlite3_bind_text64(stmt, index, p, UInt64(bytes.count), keytrail_sqlite_static(), UInt8(SQLITE_UTF8))
    }

    /// Resets the statement for the next execution, keeping its bindings (which the caller rebinds).
    package func resetKeepingBindings() { sqlite3_reset(stmt) }

    nonisolated(unsafe) static let emptyText: UnsafeMutablePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }()

    /// Binds a Swift string as UTF-8 text.
    package func bindText(_ index: Int32, _ value: String) {
        var v = value
        v.withUTF8 { bindText(index, UnsafeRawBufferPointer($0)) }
    }

    /// Binds a blob (copied by SQLite).
    package func bindBlob(_ index: Int32, _ bytes: UnsafeRawBufferPointer) {
        sqlite3_bind_blob64(
            stmt, index, bytes.baseAddress ?? UnsafeRawPointer(Self.emptyText), UInt64(bytes.count),
            keytrail_sqlite_transient())
    }

    /// Binds a blob without copying it: the bytes must stay valid until the statement is stepped
    /// and reset (or rebound).
    package func bindStaticBlob(_ index: Int32, _ bytes: UnsafeRawBufferPointer) {
        sqlite3_bind_blob64(
            stmt, index, bytes.baseAddress ?? UnsafeRawPointer(Self.emptyText), UInt64(bytes.count),
            keytrail_sqlite_static())
    }

    /// Binds NULL.
    package func bindNull(_ index: Int32) { sqlite3_bind_null(stmt, index) }

    /// Steps once: true when a row is available, false when done.
    @discardableResult
    package func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(stmt)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        let e = db.error(rc, sql: sql)
        sqlite3_reset(stmt)
        throw e
    }

    /// Executes a statement that returns no rows, then resets it.
    package func run() throws(SQLiteError) {
        defer { reset() }
        while try step() {}
    }

    /// Whether column `i` holds a BLOB.
    package func isBlob(_ i: Int32) -> Bool { sqlite3_column_type(stmt, i) == SQLITE_BLOB }

    /// Column `i`'s bytes (text or blob) for the duration of `body`, without copying.
    package func withBytes<R>(_ i: Int32, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let p = sqlite3_column_blob(stmt, i)
        let n = Int(sqlite3_column_bytes(stmt, i))
        return body(UnsafeRawBufferPointer(start: p, count: p == nil ? 0 : n))
    }

    /// Whether column `i` is NULL.
    package func isNull(_ i: Int32) -> Bool { sqlite3_column_type(stmt, i) == SQLITE_NULL }

    /// Column `i` as a 64-bit integer.
    package func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(stmt, i) }

    /// Column `i` as text, read with its explicit byte length.
    package func text(_ i: Int32) -> String {
        guard let p = sqlite3_column_text(stmt, i) else { return "" }
        let n = Int(sqlite3_column_bytes(stmt, i))
        return String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self)
    }

    /// Column `i` as raw bytes (text or blob).
    package func bytes(_ i: Int32) -> [UInt8] {
        guard let p = sqlite3_column_blob(stmt, i) else { return [] }
        let n = Int(sqlite3_column_bytes(stmt, i))
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }
}

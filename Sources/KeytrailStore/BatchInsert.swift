/// Rows for one table, copied as they come (values only: a buffer can move to another thread).
struct RowBuffer: Sendable {
    let columns: Int
    private(set) var cells: [Cell] = []
    /// The bytes of the text and blob cells.
    private(set) var arena: [UInt8] = []

    enum Cell: Sendable {
        case integer(Int64)
        case null
        case text(offset: Int, count: Int)
        case blob(offset: Int, count: Int)
    }

    init(columns: Int) { self.columns = columns }

    var rows: Int { cells.count / columns }
    /// The bytes its text and blob values hold.
    var bytes: Int { arena.count }

    mutating func integer(_ v: Int64) { cells.append(.integer(v)) }
    mutating func null() { cells.append(.null) }

    mutating func text(_ bytes: UnsafeRawBufferPointer) {
        cells.append(.text(offset: arena.count, count: bytes.count))
        arena.append(contentsOf: bytes)
    }

    mutating func blob(_ bytes: UnsafeRawBufferPointer) {
        cells.append(.blob(offset: arena.count, count: bytes.count))
        arena.append(contentsOf: bytes)
    }
}

/// Inserts `RowBuffer`s into one table, `batch` rows to a statement (a multi-row INSERT): one
/// statement step per batch instead of one per row, which is what a bulk copy of rows read from
/// elsewhere (a merge's k-way stream) costs otherwise.
final class BatchInsert {
    static let batch = 32

    let db: Database
    private let columns: Int
    private let prefix: String
    private let rowSQL: String
    private var full: Statement?
    /// Statements for shorter batches (the last of a buffer), by rows.
    private var tails: [Int: Statement] = [:]

    /// `INSERT INTO table(columns...)`, the rows appended as VALUES.
    init(db: Database, table: String, columns: [String]) {
        self.db = db
        self.columns = columns.count
        prefix = "INSERT INTO \(table)(\(columns.joined(separator: ", "))) VALUES"
        rowSQL = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
    }

    /// A buffer for this table's rows.
    var buffer: RowBuffer { RowBuffer(columns: columns) }

    /// Inserts every row of `rows`.
    func insert(_ rows: RowBuffer) throws(SQLiteError) {
        precondition(rows.columns == columns)
        let width = columns * Self.batch
        var start = 0
        while start < rows.cells.count {
            let end = min(start + width, rows.cells.count)
            let st: Statement
            if end - start == width {
                if full == nil { full = try prepare(Self.batch) }
                st = full!
            } else {
                let n = (end - start) / columns
                if let t = tails[n] {
                    st = t
                } else {
                    st = try prepare(n)
                    tails[n] = st
                }
            }
            // Array's withUnsafeBytes rethrows untyped: the error comes out as a value.
            let failure = rows.arena.withUnsafeBytes { (a) -> SQLiteError? in
                for i in start..<end {
                    let n = Int32(i - start + 1)
                    switch rows.cells[i] {
                    case .integer(let v): st.bind(n, v)
                    case .null: st.bindNull(n)
                    case .text(let o, let c): st.bindStaticText(n, UnsafeRawBufferPointer(rebasing: a[o..<o + c]))
                    case .blob(let o, let c): st.bindStaticBlob(n, UnsafeRawBufferPointer(rebasing: a[o..<o + c]))
                    }
                }
                do throws(SQLiteError) {
                    try st.run()
                    return nil
                } catch {
                    return error
                }
            }
            if let failure { throw failure }
            start = end
        }
    }

    private func prepare(_ rows: Int) throws(SQLiteError) -> Statement {
        try db.prepare(prefix + Array(repeating: rowSQL, count: rows).joined(separator: ", "))
    }
}

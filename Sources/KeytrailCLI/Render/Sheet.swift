import KeytrailScan

/// The forms of a query's answer on the command line.
enum Format: String, CaseIterable {
    /// The API's response body (one compact body per line with `--keys-from`).
    case json
    /// Columns for people, fitted to the terminal.
    case table
    /// RFC 4180, a header line, every column, whole cells.
    case csv
    /// One JSON object per row (per product, listed row or key), each naming its key.
    case ndjson

    /// The `--format` choices, `first` first (the command's default).
    static func choices(first: Format) -> [String] {
        [first.rawValue] + allCases.filter { $0 != first }.map(\.rawValue)
    }
}

/// One column of an answer's table and CSV forms.
struct Column<Row> {
    /// The header: the API member's name where there is one.
    var header: String
    /// Whether the table shows it (else CSV and `--wide` only).
    var inTable = true
    /// Never shortened to fit: key IDs and service codes (what people act on), times, counts,
    /// statuses.
    var fixed = false
    /// Shortened from the start (`…` first), so that a cell's end stays (FROM's line and column).
    var keepsEnd = false
    /// The row's cell.
    var cell: (Row) -> String

    init(_ header: String, inTable: Bool = true, fixed: Bool = false, _ cell: @escaping (Row) -> String) {
        self.header = header
        self.inTable = inTable
        self.fixed = fixed
        self.cell = cell
    }

    /// `--explain`'s FROM: `name:line:column` (empty when unknown). A table too narrow for it
    /// cuts the name's start, never the position.
    static func from(_ provenance: @escaping (Row) -> Provenance?) -> Column {
        var c = Column("FROM") { provenance($0)?.description ?? "" }
        c.keepsEnd = true
        return c
    }

    /// The one time format of tables and CSV: `2026-11-01T00:00:00Z` (JSON keeps milliseconds).
    static func time(_ header: String, inTable: Bool = true, _ ms: @escaping (Row) -> Int64?) -> Column {
        Column(header, inTable: inTable, fixed: true) { ms($0).map { Timestamp.format($0, millis: false) } ?? "" }
    }
}

/// Rows under columns: what the table and the CSV form of an answer print.
struct Sheet<Row> {
    var columns: [Column<Row>]
    var rows: [Row]
    /// The table's last line (counts, the window); CSV has none.
    var footer: String?

    /// The table: the columns for people fitted to `width`, or (nil, `--wide`) every column whole.
    func table(width: Int?) -> String {
        let shown = columns.filter { $0.inTable || width == nil }
        return TextTable(
            header: shown.map(\.header), rows: rows.map { r in shown.map { $0.cell(r) } }, footer: footer,
            fixed: Set(shown.indices.filter { shown[$0].fixed }), width: width,
            keptEnds: Set(shown.indices.filter { shown[$0].keepsEnd })
        ).render()
    }

    /// RFC 4180 CSV: a header line and every column of every row.
    func csv() -> String {
        CSV.render(header: columns.map(\.header), rows: rows.map { r in columns.map { $0.cell(r) } })
    }
}

import KeytrailQuery
import KeytrailScan
import KeytrailStore

/// The table and CSV columns of every answer, each declared once here.
enum Sheets {
    /// A product of a key; `product` nil for a key with none in the window (a row of its own in a
    /// `--keys-from` table, so that the key is not silently missing).
    typealias ProductRow = (key: String, product: Product?)

    /// Products: `keyed` adds the AccessKeyId column (a `--keys-from` answer), `explain` the FROM column.
    static func products(_ rows: [ProductRow], keyed: Bool, explain: Bool = false, footer: String)
        -> Sheet<ProductRow>
    {
        let key = Column<ProductRow>("AccessKeyId", fixed: true) { $0.key }
        let columns: [Column<ProductRow>] = [
            Column("ServiceName", fixed: true) { $0.product?.serviceName ?? "" },
            Column.time("LastUsed") { $0.product?.usedTimestamp },
            Column("Source", fixed: true) { $0.product?.source.rawValue ?? "" },
            Column("ServiceNameEn") { $0.product?.serviceNameEn ?? "" },
            Column("ServiceNameCn", inTable: false) { $0.product?.serviceNameCn ?? "" },
        ]
        return Sheet(
            columns: (keyed ? [key] : []) + columns + (explain ? [Column.from { $0.product?.provenance }] : []),
            rows: rows, footer: footer)
    }

    /// One answer's product rows.
    static func rows(_ a: ProductsAnswer) -> [ProductRow] { a.products.map { (a.accessKey, $0) } }

    /// Info: one row per key (its cells empty when the window holds no call).
    static func info(_ answers: [InfoAnswer], explain: Bool = false, footer: String) -> Sheet<InfoAnswer> {
        let who = { (a: InfoAnswer) in a.latest.map { EventIdentity(detail: $0.detail) } }
        return Sheet(
            columns: [
                Column("AccessKeyId", fixed: true) { $0.accessKey },
                Column.time("LastUsed") { $0.latest?.usedTimestamp },
                Column("ServiceName", fixed: true) { $0.latest?.serviceName ?? "" },
                Column("Source", fixed: true) { $0.latest?.source.rawValue ?? "" },
                Column("AccountType") { who($0)?.type ?? "" },
                Column("UserName") { who($0)?.answeredUserName ?? "" },
                Column("AccountId", inTable: false) { who($0)?.accountId ?? "" },
                Column("OwnerId", inTable: false) { who($0)?.principalId ?? "" },
                Column("ServiceNameEn", inTable: false) { $0.latest?.serviceNameEn ?? "" },
            ] + (explain ? [Column.from { $0.latest?.provenance }] : []), rows: answers, footer: footer)
    }

    /// A listing's rows (one page, or every page with `--all`).
    static func listing(_ a: ListingAnswer, explain: Bool = false, footer: String) -> Sheet<DimensionRow> {
        let names = a.listing.nameFields.map { field in
            Column<DimensionRow>(field.member) { field.isSub ? $0.sub : $0.name }
        }
        let context: [Column<DimensionRow>] = [
            Column("AccessKeyId", inTable: false) { _ in a.accessKey },
            Column("ServiceName", inTable: false) { _ in a.service },
        ]
        return Sheet(
            columns: context + names + [
                Column.time("LastUsed") { $0.timestamp }, Column("Source", fixed: true) { $0.source.rawValue },
            ] + (explain ? [Column.from { $0.provenance }] : []), rows: a.rows, footer: footer)
    }

    /// The keys of an audit.
    static func keys(_ audit: KeyAudit) -> Sheet<AuditedKey> {
        let counts = AuditedKey.Status.allCases.compactMap { s -> String? in
            let n = audit.keys.filter { $0.status == s }.count
            return n == 0 ? nil : "\(n) \(s.rawValue)"
        }
        let seen = { (k: AuditedKey, text: String) in k.lastUsed == nil ? "" : text }
        return Sheet(
            columns: [
                Column("AccessKeyId", fixed: true) { $0.key },
                Column("Status", fixed: true) { $0.status.rawValue },
                Column.time("LastUsed") { $0.lastUsed },
                Column("IdleDays", fixed: true) { $0.idleDays.map(String.init) ?? "" },
                Column("Services", inTable: false) { seen($0, String($0.services)) },
                Column("LastService") { $0.lastService },
                Column("AccountType", inTable: false) { $0.identity.type },
                Column("UserName") { seen($0, $0.identity.answeredUserName) },
                Column("AccountId", inTable: false) { $0.identity.accountId },
            ],
            rows: audit.keys,
            footer: "\(audit.keys.count) key(s)" + (counts.isEmpty ? "" : ": " + counts.joined(separator: ", "))
                + "; idle = last used more than \(audit.idleAfterDays) days before "
                + Timestamp.format(audit.asOf, millis: false))
    }

    /// A timeline: one row per period and service.
    static func timeline(_ a: TimelineAnswer) -> Sheet<TimelineAnswer.Row> {
        let total = a.rows.reduce(0) { $0 + $1.totals.count }
        let days = a.range == .all ? "" : " from \(a.range.description)"
        return Sheet(
            columns: [
                Column("AccessKeyId", inTable: false) { _ in a.accessKey },
                Column("Period", fixed: true) { a.by.label($0.period) },
                Column("ServiceName", fixed: true) { $0.service },
                Column("Count", fixed: true) { String($0.totals.count) },
                Column.time("FirstUsed") { $0.totals.first },
                Column.time("LastUsed") { $0.totals.last },
                Column("ServiceNameEn") { $0.serviceNameEn },
            ], rows: a.rows,
            footer:
                "\(total) event(s) of \(a.accessKey)\(a.service.map { " on \($0)" } ?? "")\(days), by UTC \(a.by.rawValue)"
                + (a.by == .week ? " (Monday to Sunday, named by its Monday)" : "")
                + "; each eventId counted once a day")
    }

    /// `products --between`: one row per service used on those days.
    static func between(_ a: BetweenAnswer) -> Sheet<BetweenAnswer.Row> {
        Sheet(
            columns: [
                Column("AccessKeyId", inTable: false) { _ in a.accessKey },
                Column("ServiceName", fixed: true) { $0.service },
                Column.time("LastUsed") { $0.totals.last },
                Column.time("FirstUsed") { $0.totals.first },
                Column("Count", fixed: true) { String($0.totals.count) },
                Column("ServiceNameEn") { $0.serviceNameEn },
                Column("ServiceNameCn", inTable: false) { $0.serviceNameCn },
            ], rows: a.rows,
            footer:
                "\(a.rows.count) service(s) used by \(a.accessKey) from \(a.range.description) (UTC days, both included)"
        )
    }

    /// `in the 400-day window ending 2026-11-01T00:00:00Z`, as footers say it.
    static func window(_ w: Window) -> String {
        "in the \(w.days)-day window ending \(Timestamp.format(w.asOf, millis: false))"
    }
}

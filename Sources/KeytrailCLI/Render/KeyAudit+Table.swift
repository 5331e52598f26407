import KeytrailQuery
import KeytrailScan

extension KeyAudit {
    /// The columns of the table and CSV forms.
    static let columns = [
        "AccessKeyId", "Status", "LastUsed", "IdleDays", "Services", "LastService", "AccountType", "UserName",
        "AccountId",
    ]

    /// One key's cells, in `columns` order.
    static func cells(_ k: AuditedKey) -> [String] {
        [
            k.key, k.status.rawValue, k.lastUsed.map { Timestamp.format($0, millis: false) } ?? "",
            k.idleDays.map(String.init) ?? "", k.lastUsed == nil ? "" : String(k.services), k.lastService,
            k.identity.type, k.lastUsed == nil ? "" : k.identity.answeredUserName, k.identity.accountId,
        ]
    }

    /// RFC 4180 CSV with a header line.
    func csv() -> String { CSV.render(header: Self.columns, rows: keys.map(Self.cells)) }

    /// A table for people, with a count per status.
    func table() -> String {
        let counts = AuditedKey.Status.allCases.compactMap { s -> String? in
            let n = keys.filter { $0.status == s }.count
            return n == 0 ? nil : "\(n) \(s.rawValue)"
        }
        return TextTable(
            header: Self.columns, rows: keys.map(Self.cells),
            footer: "\(keys.count) key(s)" + (counts.isEmpty ? "" : ": " + counts.joined(separator: ", "))
                + "; idle = last used more than \(idleAfterDays) days before \(Timestamp.format(asOf, millis: false))",
            trimsTrailingSpaces: true
        ).render()
    }
}

import KeytrailQuery
import KeytrailScan
import KeytrailStore

/// The report as Markdown, for tickets: the same sections as the HTML, without the charts.
extension AuditReport {
    /// A table cell: pipes and line breaks escaped.
    static func cell(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "|": out += "\\|"
            case "\n", "\r\n", "\r": out += " "
            default: out.append(c)
            }
        }
        return out
    }

    func markdown(indexPath: String, generatedAt: Int64) -> String {
        var o =
            "# AccessKey audit\n\nFrom the ActionTrail archive indexed in `\(indexPath)`, as of "
            + Self.time(window.asOf) + ", over the \(window.days)-day window (idle = last used more than "
            + "\(idleAfterDays) days before it). Generated " + Self.time(generatedAt) + " by keytrail.\n\n"
        let s = status
        o += "## Coverage\n\n| | |\n|---|---|\n"
        o += "| files indexed | \(s.files) |\n| events indexed | \(s.events) |\n| keys | \(s.keys) |\n"
        o +=
            "| oldest event | \(Self.time(s.span?.lowerBound)) |\n| newest event | \(Self.time(s.span?.upperBound)) |\n"
        o += "| last ingest | \(Self.time(s.lastIngest)) |\n"
        o += "| settings | \(s.siblings ? "full (products and siblings)" : "--products-only (no policies)") |\n\n"
        o +=
            "## Keys by status\n\n" + counts.map { "- \($0.status.rawValue): \($0.count)" }.joined(separator: "\n")
            + "\n\n"
        o +=
            "## Keys, what needs action first\n\n| AccessKeyId | Status | LastUsed | IdleDays | Services | UserName | AccountId |\n"
        o += "|---|---|---|---|---|---|---|\n"
        for k in keys {
            let a = k.audited
            o +=
                "| `\(Self.cell(a.key))` | \(a.status.rawValue) | \(Self.time(a.lastUsed)) | "
                + "\(a.idleDays.map(String.init) ?? "") | \(a.lastUsed == nil ? "" : String(k.products.count)) | "
                + "\(Self.cell(a.lastUsed == nil ? "" : a.identity.answeredUserName)) | \(Self.cell(a.identity.accountId)) |\n"
        }
        guard detailed > 0 else { return o }
        o += "\n## The \(detailed) key(s) that need action first\n"
        for k in keys.prefix(detailed) {
            let a = k.audited
            o += "\n### `\(a.key)` — \(a.status.rawValue)\n\n"
            if k.products.isEmpty {
                o += a.lastUsed == nil ? "Never seen in the archive.\n" : "No service in the window.\n"
            } else {
                o += "| ServiceName | LastUsed | Source |\n|---|---|---|\n"
                for p in k.products {
                    o += "| \(Self.cell(p.serviceName)) | \(Self.time(p.usedTimestamp)) | \(p.source.rawValue) |\n"
                }
            }
            if let activity = k.activity, !activity.rows.isEmpty {
                // The chart's numbers: the weeks with events.
                o +=
                    "\nEvents per week (named by its Monday; each eventId once a day): "
                    + activity.rows.map { "\(Period.week.label($0.period)): \($0.totals.count)" }.joined(
                        separator: ", ")
                    + "\n"
            }
            if let policy = k.policy {
                o += "\nLeast-privilege policy:\n\n```json\n" + policy.json(byService: false) + "\n```\n"
                let denied = policy.actions.filter { $0.deniedBy != nil }
                if !denied.isEmpty {
                    o +=
                        "\nLeft out (the latest call was refused): "
                        + denied.map { "`\($0.name)` (\($0.deniedBy ?? ""))" }.joined(separator: ", ") + "\n"
                }
            }
        }
        return o
    }
}

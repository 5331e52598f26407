import KeytrailQuery
import KeytrailScan
import KeytrailStore

/// The report as one self-contained HTML file: inline CSS and SVG, no script, no network.
extension AuditReport {
    /// Text escaped for HTML content and attribute values.
    static func html(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// `2026-11-01T00:00:00Z`, the one time format of tables.
    static func time(_ ms: Int64?) -> String { ms.map { Timestamp.format($0, millis: false) } ?? "" }

    /// An anchor for a key's section.
    static func anchor(_ key: String) -> String {
        "key-"
            + String(
                key.unicodeScalars.map { $0.properties.isAlphabetic || ("0"..."9").contains($0) ? Character($0) : "_" })
    }

    static let style = """
        body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1100px;color:#1b1f24;padding:0 1em}
        h1{font-size:1.6em;margin:0}h2{margin-top:2em;border-bottom:1px solid #d0d7de;padding-bottom:.2em}
        table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:2px 8px;border-bottom:1px solid #eaeef2;white-space:nowrap}
        th{background:#f6f8fa}summary{cursor:pointer;margin:.5em 0;font-weight:600}td.k{font-family:ui-monospace,monospace}
        .not-in-inventory{color:#a40e26;font-weight:600}.never-seen{color:#9a6700;font-weight:600}.idle{color:#bc4c00}.active{color:#1a7f37}
        dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px}dt{color:#57606a}dd{margin:0}
        pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:24em}article{margin:1.5em 0;padding-top:.5em;border-top:1px dashed #d0d7de}
        svg text{font:11px system-ui,sans-serif;fill:#57606a}.note{color:#57606a}
        """

    /// The whole page.
    func html(indexPath: String, generatedAt: Int64) -> String {
        var o = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        o += "<meta name=\"viewport\" content=\"width=device-width\">"
        o +=
            "<title>keytrail AccessKey audit — \(Self.html(indexPath))</title><style>\(Self.style)</style></head><body>\n"
        o +=
            "<header><h1>AccessKey audit</h1><p class=\"note\">From the ActionTrail archive indexed in <code>"
            + Self.html(indexPath) + "</code>, as of " + Self.time(window.asOf) + ", over the \(window.days)-day window"
            + " (idle = last used more than \(idleAfterDays) days before it). Generated "
            + Self.time(generatedAt) + " by keytrail.</p></header>\n"
        o += coverage()
        o += summary()
        o += keyTable()
        o += detailSections()
        o +=
            "<footer class=\"note\"><p>Every figure is answered from the index as `keytrail` answers it: "
            + "<code>keytrail keys</code>, <code>keytrail products KEY</code>, <code>keytrail policy KEY</code>.</p>"
            + "</footer>\n</body></html>\n"
        return o
    }

    func coverage() -> String {
        let s = status
        var rows: [(String, String)] = [
            ("files indexed", String(s.files)), ("events indexed", String(s.events)), ("keys", String(s.keys)),
            ("oldest event", Self.time(s.span?.lowerBound)), ("newest event", Self.time(s.span?.upperBound)),
            ("last ingest", Self.time(s.lastIngest)),
            ("settings", s.siblings ? "full (products and siblings)" : "--products-only (no policies)"),
        ]
        if !s.untils.isEmpty { rows.append(("point in time", s.untils.map { Self.time($0) }.joined(separator: ", "))) }
        var o = "<section id=\"coverage\"><h2>Coverage</h2><dl>"
        for (k, v) in rows { o += "<dt>\(k)</dt><dd>\(Self.html(v))</dd>" }
        return o + "</dl></section>\n"
    }

    /// Keys per status (bars) and keys per month of last use over the window (columns).
    func summary() -> String {
        var o = "<section id=\"summary\"><h2>Keys by status</h2>"
        let counts = self.counts
        let most = max(1, counts.map(\.count).max() ?? 1)
        o +=
            "<svg class=\"chart\" id=\"status-chart\" role=\"img\" aria-label=\"keys by status\" width=\"560\" height=\"\(counts.count * 22 + 4)\">"
        for (i, c) in counts.enumerated() {
            let w = 360 * c.count / most
            o += "<text x=\"0\" y=\"\(i * 22 + 15)\">\(c.status.rawValue)</text>"
            o +=
                "<rect x=\"130\" y=\"\(i * 22 + 3)\" width=\"\(max(w, 1))\" height=\"16\" fill=\"\(Self.color(c.status))\"/>"
            o += "<text x=\"\(136 + w)\" y=\"\(i * 22 + 15)\">\(c.count)</text>"
        }
        o += "</svg>"
        // Last use by month of the window.
        var months: [Int: Int] = [:]
        for k in keys { if let t = k.audited.lastUsed, window.contains(t) { months[Self.month(t), default: 0] += 1 } }
        let first = Self.month(window.start)
        let last = Self.month(window.asOf)
        let span = max(1, last - first + 1)
        let top = max(1, months.values.max() ?? 1)
        let bar = max(4, 720 / span)
        o +=
            "<h2>Keys by month of last use</h2><svg class=\"chart\" id=\"last-use-chart\" role=\"img\" "
            + "aria-label=\"keys by month of last use\" width=\"\(bar * span + 40)\" height=\"150\">"
        for m in first...last {
            let n = months[m] ?? 0
            let h = 110 * n / top
            let x = (m - first) * bar + 30
            o +=
                "<rect x=\"\(x)\" y=\"\(120 - h)\" width=\"\(bar - 2)\" height=\"\(h)\" fill=\"#0969da\"><title>"
                + "\(Self.monthName(m)): \(n) key(s)</title></rect>"
            if (m - first) % max(1, span / 6) == 0 { o += "<text x=\"\(x)\" y=\"138\">\(Self.monthName(m))</text>" }
        }
        o += "<text x=\"0\" y=\"12\">\(top)</text></svg></section>\n"
        return o
    }

    /// Keys shown open in the table; the rest are in a closed `<details>` (a browser lays out
    /// none of it until it is opened, so a page of thousands of keys opens at once).
    static let openRows = 200

    /// Every key, one row each, with a strip of its services' last uses over the window.
    func keyTable() -> String {
        let head =
            "<table><thead><tr><th>AccessKeyId</th><th>Status</th><th>LastUsed</th><th>IdleDays</th>"
            + "<th>Services</th><th>UserName</th><th>AccountId</th><th>Last use per service</th></tr></thead><tbody>\n"
        var o = "<section id=\"keys\"><h2>Keys, what needs action first</h2>" + head
        for (i, k) in keys.enumerated() {
            if i == Self.openRows {
                o +=
                    "</tbody></table><details id=\"all-keys\"><summary>The other \(keys.count - i) key(s)</summary>"
                    + head
            }
            let a = k.audited
            let name = Self.html(a.key)
            let cell = i < detailed ? "<a href=\"#\(Self.anchor(a.key))\">\(name)</a>" : name
            o +=
                "<tr><td class=\"k\">\(cell)</td><td class=\"\(a.status.rawValue)\">\(a.status.rawValue)</td><td>"
                + Self.time(a.lastUsed) + "</td><td>\(a.idleDays.map(String.init) ?? "")</td><td>"
                + (a.lastUsed == nil ? "" : String(k.products.count)) + "</td><td>"
                + Self.html(a.lastUsed == nil ? "" : a.identity.answeredUserName) + "</td><td>"
                + Self.html(a.identity.accountId) + "</td><td>" + strip(k.products) + "</td></tr>\n"
        }
        return o + "</tbody></table>" + (keys.count > Self.openRows ? "</details>" : "") + "</section>\n"
    }

    /// A 120×12 strip: one tick per service at its last use in the window.
    func strip(_ products: [Product]) -> String {
        guard !products.isEmpty else { return "" }
        var d = ""
        for p in products { d += "M\(x(p.usedTimestamp, width: 118) + 1) 1v10" }
        return "<svg class=\"strip\" width=\"120\" height=\"12\"><path d=\"\(d)\" stroke=\"#0969da\"/></svg>"
    }

    /// Where `ts` falls in the window, 0…width.
    func x(_ ts: Int64, width: Int) -> Int {
        let span = max(1, window.asOf - window.start)
        return Int((ts - window.start) * Int64(width) / span)
    }

    /// The sections of the first keys by need: services on a time line, and the policy.
    func detailSections() -> String {
        guard detailed > 0 else { return "" }
        var o = "<section id=\"details\"><h2>The \(detailed) key(s) that need action first</h2>"
        if detailed < keys.count {
            o +=
                "<p class=\"note\">The other \(keys.count - detailed) key(s) are in the table above; "
                + "<code>keytrail products KEY</code> and <code>keytrail policy KEY</code> answer for any of them.</p>"
        }
        for k in keys.prefix(detailed) {
            let a = k.audited
            o +=
                "<article id=\"\(Self.anchor(a.key))\"><h3><code>\(Self.html(a.key))</code> — "
                + "<span class=\"\(a.status.rawValue)\">\(a.status.rawValue)</span></h3><p>"
            if let t = a.lastUsed {
                o +=
                    "Last used " + Self.time(t) + " (\(a.idleDays ?? 0) days before as-of) by "
                    + Self.html(
                        a.identity.answeredUserName.isEmpty ? "an unnamed principal" : a.identity.answeredUserName)
                    + " (" + Self.html(a.identity.type) + ", account " + Self.html(a.identity.accountId) + "), "
                    + "\(k.products.count) service(s) in the window.</p>"
            } else {
                o += "Never seen in the archive: in the inventory, with no call indexed.</p>"
            }
            if let activity = k.activity { o += weeks(activity) }
            if !k.products.isEmpty { o += timeline(k.products) }
            if let policy = k.policy {
                o += "<h4>Least-privilege policy</h4><pre>" + Self.html(policy.json(byService: false)) + "</pre>"
                let denied = policy.actions.filter { $0.deniedBy != nil }
                if !denied.isEmpty {
                    o +=
                        "<p class=\"note\">Left out (the latest call was refused): "
                        + denied.map { "<code>\(Self.html($0.name))</code> (\(Self.html($0.deniedBy ?? "")))" }
                        .joined(separator: ", ") + "</p>"
                }
            }
            o += "</article>\n"
        }
        return o + "</section>\n"
    }

    /// A key's events per week of the window, as bars (from the activity rows).
    func weeks(_ a: TimelineAnswer) -> String {
        let first = Period.week.start(of: Dimension.day(window.start))
        let last = Period.week.start(of: Dimension.day(window.asOf))
        let count = Int((last - first) / 7) + 1
        let bar = max(2, 700 / max(1, count))
        let most = max(1, a.rows.map(\.totals.count).max() ?? 1)
        let total = a.rows.reduce(0) { $0 + $1.totals.count }
        var o =
            "<svg class=\"chart activity\" role=\"img\" aria-label=\"events per week\" width=\"\(count * bar + 140)\" height=\"90\">"
        o += "<text x=\"0\" y=\"12\">events a week (max \(most); \(total) in the window)</text>"
        // One path of vertical strokes, a bar per week with events (a few bytes each: the page
        // stays small with a chart for every detailed key).
        var d = ""
        for r in a.rows {
            let h = max(1, r.totals.count * 56 / most)
            d += "M\(Int((r.period - first) / 7) * bar + bar / 2) 74v-\(h)"
        }
        o += "<path d=\"\(d)\" stroke=\"#0969da\" stroke-width=\"\(max(1, bar - 1))\"/>"
        o += "<line x1=\"0\" y1=\"74.5\" x2=\"\(count * bar)\" y2=\"74.5\" stroke=\"#d0d7de\"/>"
        o += "<text x=\"0\" y=\"84\">\(Period.week.label(first))</text>"
        o += "<text x=\"\(max(0, count * bar - 60))\" y=\"84\">\(Period.week.label(last))</text>"
        return o + "</svg>"
    }

    /// The services of a key on the window's time line, newest first.
    func timeline(_ products: [Product]) -> String {
        let width = 700
        let left = 130
        var o =
            "<svg class=\"chart timeline\" role=\"img\" aria-label=\"last use per service\" width=\"\(left + width + 10)\" "
            + "height=\"\(products.count * 16 + 24)\">"
        o +=
            "<line x1=\"\(left)\" y1=\"\(products.count * 16 + 4)\" x2=\"\(left + width)\" y2=\"\(products.count * 16 + 4)\" stroke=\"#d0d7de\"/>"
        o += "<text x=\"\(left)\" y=\"\(products.count * 16 + 18)\">\(Self.time(window.start).prefix(10))</text>"
        o +=
            "<text x=\"\(left + width - 60)\" y=\"\(products.count * 16 + 18)\">\(Self.time(window.asOf).prefix(10))</text>"
        for (i, p) in products.enumerated() {
            let y = i * 16 + 10
            o += "<text x=\"0\" y=\"\(y + 4)\">\(Self.html(p.serviceName))</text>"
            o +=
                "<circle cx=\"\(left + x(p.usedTimestamp, width: width))\" cy=\"\(y)\" r=\"4\" fill=\"#0969da\"><title>"
                + Self.html(p.serviceName) + " " + Self.time(p.usedTimestamp) + "</title></circle>"
        }
        return o + "</svg>"
    }

    static func color(_ s: AuditedKey.Status) -> String {
        switch s {
        case .notInInventory: return "#a40e26"
        case .neverSeen: return "#9a6700"
        case .idle: return "#bc4c00"
        case .active: return "#1a7f37"
        }
    }

    /// Months since year 0 of `ms`.
    static func month(_ ms: Int64) -> Int {
        let text = Timestamp.format(ms, millis: false)
        let y = Int(text.prefix(4)) ?? 0
        let m = Int(text.dropFirst(5).prefix(2)) ?? 1
        return y * 12 + m - 1
    }

    /// `2026-11` for a month of `month(_:)`.
    static func monthName(_ m: Int) -> String {
        let mm = m % 12 + 1
        return "\(m / 12)-\(mm < 10 ? "0" : "")\(mm)"
    }
}

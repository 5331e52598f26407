import KeytrailScan

extension KeyAudit {
    /// `{"AsOf", "IdleAfterDays", "Keys": [...]}`.
    package func json() -> String {
        var o = JSONOutput(pretty: true)
        o.beginObject()
        o.string("AsOf", Timestamp.format(asOf, millis: true))
        o.int("IdleAfterDays", Int64(idleAfterDays))
        o.beginArray("Keys")
        for k in keys {
            o.beginObject()
            o.string("AccessKeyId", k.key)
            o.string("Status", k.status.rawValue)
            if let t = k.lastUsed {
                o.int("LastUsedTimestamp", t)
                o.string("LastUsed", Timestamp.format(t, millis: true))
                o.int("IdleDays", Int64(k.idleDays ?? 0))
                o.int("Services", Int64(k.services))
                o.string("LastServiceName", k.lastService)
                o.string("AccountId", k.identity.accountId)
                o.string("AccountType", k.identity.type)
                o.string("UserName", k.identity.answeredUserName)
                o.string("OwnerId", k.identity.principalId)
            }
            o.endObject()
        }
        o.endArray()
        o.endObject()
        return o.text
    }

    /// The columns of the table and CSV forms.
    static let columns = [
        "AccessKeyId", "Status", "LastUsed", "IdleDays", "Services", "LastService", "AccountType", "UserName",
        "AccountId",
    ]

    func cells(_ k: AuditedKey) -> [String] {
        [
            k.key, k.status.rawValue, k.lastUsed.map { Timestamp.format($0, millis: false) } ?? "",
            k.idleDays.map(String.init) ?? "", k.lastUsed == nil ? "" : String(k.services), k.lastService,
            k.identity.type, k.lastUsed == nil ? "" : k.identity.answeredUserName, k.identity.accountId,
        ]
    }

    /// RFC 4180 CSV with a header line.
    package func csv() -> String {
        func quote(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + s.replacingAll("\"", "\"\"") + "\"" : s
        }
        let lines = [Self.columns] + keys.map(cells)
        return lines.map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n")
    }

    /// A table for people, with a count per status.
    package func table() -> String {
        let rows = [Self.columns] + keys.map(cells)
        var widths = Self.columns.map { _ in 0 }
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        var out = rows.map { r in
            r.enumerated().map { i, c in
                i == r.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count + 2)
            }
            .joined().trimmedTrailingSpaces
        }
        let counts = AuditedKey.Status.allCases.compactMap { s -> String? in
            let n = keys.filter { $0.status == s }.count
            return n == 0 ? nil : "\(n) \(s.rawValue)"
        }
        out.append(
            "\(keys.count) key(s)" + (counts.isEmpty ? "" : ": " + counts.joined(separator: ", "))
                + "; idle = last used more than \(idleAfterDays) days before \(Timestamp.format(asOf, millis: false))")
        return out.joined(separator: "\n")
    }
}

extension String {
    var trimmedTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }

    func replacingAll(_ target: Character, _ replacement: String) -> String {
        var s = ""
        for c in self { if c == target { s += replacement } else { s.append(c) } }
        return s
    }
}

import KeytrailScan
package import KeytrailStore

/// `keytrail keys`: every key in the index with its last use, optionally checked against an
/// inventory of the keys that exist (RAM's list), for key-rotation reviews.
package struct KeyAudit: Sendable {
    /// The as-of time the idle days count to.
    package var asOf: Int64
    /// Keys last used more than this many days before `asOf` are idle.
    package var idleAfterDays: Int
    /// The audited keys, in the order `sort(by:)` last put them (`.idle` at first).
    package var keys: [AuditedKey]
    /// Whether an inventory was given.
    package var withInventory: Bool

    /// Audits the index; `inventory` (key IDs) adds never-seen and not-in-inventory keys.
    package init(reader: IndexReader, asOf: Int64, idleAfterDays: Int, inventory: [String]?) throws(QueryError) {
        self.asOf = asOf
        self.idleAfterDays = idleAfterDays
        let withInventory = inventory != nil
        self.withInventory = withInventory
        let threshold = asOf - Int64(idleAfterDays) * 86_400_000
        let listed = Set(inventory ?? [])
        var seen = Set<String>()
        var out: [AuditedKey] = []
        for s in try QueryError.reading(try reader.keys()) {
            // As for every query: the index cannot know what was latest at an earlier time.
            try Window(asOf: asOf, days: idleAfterDays).admit(key: s.key, newest: s.lastUsed)
            seen.insert(s.key)
            var status: AuditedKey.Status = s.lastUsed < threshold ? .idle : .active
            if inventory != nil && !listed.contains(s.key) { status = .notInInventory }
            out.append(
                AuditedKey(
                    key: s.key, status: status, lastUsed: s.lastUsed, services: s.services, lastService: s.lastService,
                    identity: EventIdentity(detail: s.detail),
                    idleDays: Int((asOf - s.lastUsed) / 86_400_000)))
        }
        for key in Set(inventory ?? []) where !seen.contains(key) {
            out.append(
                AuditedKey(
                    key: key, status: .neverSeen, lastUsed: nil, services: 0, lastService: "",
                    identity: EventIdentity(), idleDays: nil))
        }
        keys = out
        sort(by: .idle)
    }

    /// The orders of `keytrail keys --sort`.
    package enum Order: String, CaseIterable, Sendable {
        /// What needs action first: keys in use but not in the inventory, inventory keys never
        /// seen, idle keys, then active ones; the longest idle first within each; then by key.
        case idle
        /// By key ID (bytes).
        case key
        /// The most recently used first; never-seen keys last.
        case lastUsed = "last-used"
    }

    /// Sorts the keys; ties end by key ID, so every order is total.
    package mutating func sort(by order: Order) {
        let rank = Dictionary(uniqueKeysWithValues: AuditedKey.Status.byNeed.enumerated().map { ($1, $0) })
        keys.sort { a, b in
            switch order {
            case .idle:
                if a.status != b.status { return rank[a.status]! < rank[b.status]! }
                if a.lastUsed != b.lastUsed { return (a.lastUsed ?? .min) < (b.lastUsed ?? .min) }
            case .lastUsed:
                if a.lastUsed != b.lastUsed { return (a.lastUsed ?? .min) > (b.lastUsed ?? .min) }
            case .key:
                break
            }
            return LatestWins.compareBytes(a.key.utf8, b.key.utf8) < 0
        }
    }

    /// Keeps the keys that match every filter given (nil: any): a status, an account ID, a user
    /// name as answered (`root` for the account's root).
    package mutating func filter(status: AuditedKey.Status?, account: String?, user: String?) {
        keys.removeAll { k in
            (status != nil && k.status != status) || (account != nil && k.identity.accountId != account)
                || (user != nil && (k.lastUsed == nil || k.identity.answeredUserName != user))
        }
    }

    /// The key IDs of an inventory file: one per line (blank lines and `#` comments ignored), or a
    /// CSV whose header has an AccessKey ID column (as RAM's console exports).
    package static func inventory(_ bytes: [UInt8]) throws(QueryError) -> [String] {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        // "\r\n" is one Character: split on both line ends.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }.map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        guard let first = lines.firstIndex(where: { !$0.trimmed.isEmpty && !$0.trimmed.hasPrefix("#") }) else {
            return []
        }
        if !lines[first].contains(",") { return KeyLines.parse(bytes).map(\.key) }
        let header = csvFields(lines[first]).map { $0.lowercased().filter { $0.isLetter } }
        guard let column = header.firstIndex(where: { $0 == "accesskeyid" || $0 == "accesskey" }) else {
            throw .malformedLine(
                line: first + 1, message: "a CSV inventory needs an 'AccessKey ID' column in its header line")
        }
        var keys: [String] = []
        for (i, line) in lines.enumerated().dropFirst(first + 1) where !line.trimmed.isEmpty {
            let fields = csvFields(line)
            guard column < fields.count else {
                throw .malformedLine(line: i + 1, message: "the line has \(fields.count) field(s), no AccessKey ID")
            }
            let key = fields[column].trimmed
            if !key.isEmpty { keys.append(key) }
        }
        return keys
    }

    /// The fields of one CSV line (RFC 4180 quoting; no line breaks inside fields).
    static func csvFields(_ line: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var chars = line.makeIterator()
        while let c = chars.next() {
            if quoted {
                if c == "\"" {
                    if let n = chars.next() {
                        if n == "\"" {
                            field.append("\"")
                        } else {
                            quoted = false
                            if n == "," {
                                fields.append(field)
                                field = ""
                            } else {
                                field.append(n)
                            }
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" && field.trimmed.isEmpty {
                field = ""
                quoted = true
            } else if c == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(c)
            }
        }
        fields.append(field)
        return fields
    }
}

extension StringProtocol {
    var trimmed: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

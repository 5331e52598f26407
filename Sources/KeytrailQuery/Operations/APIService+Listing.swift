import KeytrailScan
import KeytrailStore

extension APIService {
    /// One page of `listing` for `p["AccessKey"]` and `p["ServiceName"]`, from `p["NextToken"]` on.
    package func page(_ listing: Listing, _ p: [String: String]) throws(QueryError) -> ListingAnswer {
        let key = try Self.accessKey(p)
        let kind = listing.dimension
        let service = p["ServiceName"] ?? ""
        if service.isEmpty { throw .api(.invalidQueryParameter("ServiceName is missing or empty")) }
        guard try QueryError.reading(try reader.keepsSiblings()) else {
            throw .index(.noSiblings(operation: listing.action.rawValue))
        }
        let pageSize = try Self.pageSize(p["PageSize"])
        let secret = try QueryError.reading(try reader.tokenKey())
        let fingerprint = PageToken.listing(key: key, service: service)
        var window: Window
        var after: PageToken?
        var products: [ProductRow] = []
        if let text = p["NextToken"], !text.isEmpty {
            guard let t = PageToken.open(text, with: secret), t.kind == kind, t.listing == fingerprint else {
                throw .api(.invalidQueryParameter("NextToken is not a token of this listing (or was changed)"))
            }
            // Later pages keep the first page's window; its as-of check was made then.
            window = Window(asOf: t.asOf, days: t.days)
            after = t
        } else {
            window = try self.window()
            products = try QueryError.reading(try reader.products(key: key, details: false))
            try window.admit(key: key, newest: products.map(\.timestamp).max())
        }
        // Rows are placed, filtered and cut at their position as of the first page's generation,
        // so a commit between pages neither repeats nor skips one; they show their latest event.
        let (all, generation, pruned) = try QueryError.reading(
            try reader.dimension(key: key, kind, service: service, generation: after?.generation))
        if let after, after.generation < pruned {
            throw .api(
                .invalidQueryParameter(
                    "NextToken has expired (the index keeps a day of moved rows for paging); start again without NextToken"
                ))
        }
        var rows = all.filter { window.contains($0.position) }.sorted(by: Self.precedes)
        if let after {
            var cursor = DimensionRow(
                name: after.name, sub: after.sub, timestamp: after.timestamp, eventId: "", source: .internal, detail: []
            )
            cursor.position = after.timestamp
            rows.removeAll { !Self.precedes(cursor, $0) }
        }
        var notes: [String] = []
        if self.products.withNotes, after == nil && rows.isEmpty {
            if products.isEmpty {
                notes = try self.products.unknownKeyNotes(key)
            } else if all.isEmpty, !products.contains(where: { $0.service == service }) {
                notes = [AnswerNotes.unknownService(service, key: key, services: products.map(\.service))]
            } else if let last = all.max(by: { $0.position < $1.position }) {
                notes = [window.hiddenNote("\(service) \(listing.rawValue)", lastUsed: last.timestamp, plural: true)]
            }
        }
        var next = ""
        if rows.count > pageSize {
            rows.removeLast(rows.count - pageSize)
            let last = rows[rows.count - 1]
            next = PageToken(
                kind: kind, listing: fingerprint, asOf: window.asOf, days: window.days,
                generation: after?.generation ?? generation,
                timestamp: last.position, name: last.name, sub: last.sub
            ).seal(with: secret)
        }
        return ListingAnswer(
            listing: listing, accessKey: key, service: service, window: window, rows: rows, nextToken: next,
            notes: notes)
    }

    /// Every page of `listing` from `p["NextToken"]` on, as one answer (its `NextToken` `""`);
    /// without a `PageSize`, pages of 100 rows (the most a page holds). `--all` and the policy read it.
    package func allPages(_ listing: Listing, _ p: [String: String]) throws(QueryError) -> ListingAnswer {
        var p = p
        if (p["PageSize"] ?? "").isEmpty { p["PageSize"] = "100" }
        var all = try page(listing, p)
        var next = all.nextToken
        while !next.isEmpty {
            p["NextToken"] = next
            let more = try page(listing, p)
            all.rows += more.rows
            next = more.nextToken
        }
        all.nextToken = ""
        return all
    }

    /// The listing order: UsedTimestamp (as of the listing's generation) descending, then name
    /// (and resource name) ascending by bytes.
    static func precedes(_ a: DimensionRow, _ b: DimensionRow) -> Bool {
        if a.position != b.position { return a.position > b.position }
        // Bytes, not String equality (which equates canonically equivalent Unicode).
        let c = LatestWins.compareBytes(a.name.utf8, b.name.utf8)
        return c != 0 ? c < 0 : LatestWins.compareBytes(a.sub.utf8, b.sub.utf8) < 0
    }

    /// `PageSize`: absent, empty or 0 mean 20; 1–100 are taken; anything else is refused.
    static func pageSize(_ text: String?) throws(QueryError) -> Int {
        guard let text, !text.isEmpty else { return defaultPageSize }
        guard text.utf8.count <= 3, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(text), n <= 100
        else { throw .api(.invalidQueryParameter("PageSize must be an integer from 0 to 100, got '\(text)'")) }
        return n == 0 ? defaultPageSize : n
    }

    /// Rows per page when none is asked.
    package static let defaultPageSize = 20
}

import KeytrailScan
package import KeytrailStore

/// Answers the operations from the index: the one code path of the command line (every form:
/// JSON, table, `--keys-from`) and the server. Not thread-safe: it owns one read connection; use
/// one per thread.
package final class APIService {
    /// The index connection.
    package let reader: IndexReader
    let products: ProductsQuery
    let catalog: ServiceCatalog
    /// The as-of of every question asked.
    package let asOf: AsOf
    /// The window length, in days, of every question asked.
    package let days: Int
    /// The as-of as the user gave it (`now` stays `now` when pinned), for the notes.
    let asked: AsOf

    /// The service over the index at `dbPath`, answering with `asOf` and `days` by default.
    /// `followsIngests`: the service lives beside later ingests (`serve`; see `IndexReader`).
    package convenience init(
        dbPath: String, catalog: ServiceCatalog, asOf: AsOf, days: Int, followsIngests: Bool = false
    ) throws(IndexError) {
        try self.init(
            reader: IndexReader(path: dbPath, followsIngests: followsIngests), catalog: catalog, asOf: asOf,
            days: days)
    }

    /// The service over an open index.
    package convenience init(reader: IndexReader, catalog: ServiceCatalog, asOf: AsOf, days: Int) {
        self.init(reader: reader, catalog: catalog, asOf: asOf, asked: asOf, days: days)
    }

    /// The service answering as of `asOf`, which the user asked as `asked`.
    init(reader: IndexReader, catalog: ServiceCatalog, asOf: AsOf, asked: AsOf, days: Int) {
        self.reader = reader
        self.catalog = catalog
        self.asOf = asOf
        self.asked = asked
        self.days = days
        products = ProductsQuery(reader: reader, catalog: catalog)
    }

    /// Whether answers carry their notes (true); the server sends none and sets it false, so that
    /// an unknown key is not compared with every key of the index for a note nobody reads.
    package var withNotes: Bool {
        get { products.withNotes }
        set { products.withNotes = newValue }
    }

    /// Products answers kept to be sent again (the server's; nil: each is computed).
    package var answerCache: AnswerCache?

    /// The window a question gets now (`latest` and `now` resolved).
    package func window() throws(QueryError) -> Window { try products.window(asOf: asOf, days: days) }

    /// The same service with its as-of resolved once, so a batch of questions shares one window.
    package func pinned() throws(QueryError) -> APIService {
        let s = APIService(reader: reader, catalog: catalog, asOf: .at(try window().asOf), asked: asked, days: days)
        s.withNotes = withNotes
        return s
    }

    /// The answer to `action` with the API's `parameters` (`AccessKey`, `ServiceName`,
    /// `PageSize`, `NextToken`), as a value.
    /// Read in one snapshot of the index (`IndexReader.snapshot`): the window's newest event and
    /// the key's rows come from one commit, and SQLite locks the file once an answer.
    package func answer(_ action: APIAction, _ parameters: [String: String]) throws(QueryError) -> Answer {
        try reader.snapshot { () throws(QueryError) -> Answer in
            switch action {
            case .products: return .products(try products(parameters))
            case .info: return .info(try info(parameters))
            case .events, .ips, .resources:
                guard let listing = action.listing else { preconditionFailure("\(action) is a listing") }
                return .listing(try page(listing, parameters))
            }
        }
    }

    /// The answer to `action` encoded as the cloud sends it (the server's and the JSON form's).
    package func answer(_ action: APIAction, _ parameters: [String: String], requestId: String) -> APIResult {
        do {
            if action == .products || action == .info, let cache = answerCache {
                return try cached(action, parameters, requestId: requestId, cache: cache)
            }
            return APIResult(try answer(action, parameters), requestId: requestId)
        } catch {
            return APIResult(error.apiError, requestId: requestId)
        }
    }

    /// The `AccessKey` parameter, checked.
    static func accessKey(_ p: [String: String]) throws(QueryError) -> String {
        let key = p["AccessKey"] ?? ""
        if let e = AccessKeyRule.check(key) { throw .api(e) }
        return key
    }

    /// GetAccessKeyLastUsedProducts.
    package func products(_ p: [String: String]) throws(QueryError) -> ProductsAnswer {
        try products.answer(key: try Self.accessKey(p), window: try window(), asked: asked)
    }

    /// GetAccessKeyLastUsedInfo: the latest of the key's products in the window.
    package func info(_ p: [String: String]) throws(QueryError) -> InfoAnswer {
        try info(key: try Self.accessKey(p), window: try window())
    }

    /// GetAccessKeyLastUsedInfo for `key` in `window`.
    func info(key: String, window: Window) throws(QueryError) -> InfoAnswer {
        // Info needs one Detail: the products' are not inflated.
        let answer = try products.answer(key: key, window: window, asked: asked, details: false)
        // Products are ordered newest first; on a tie in time the greater (eventId, Detail) is the latest.
        let newest = answer.products.first?.usedTimestamp
        var tied = answer.products.filter { $0.usedTimestamp == newest }
        // Rare: a tie on time and eventId across services is broken by the Details' text.
        if tied.count > 1 {
            for i in tied.indices { tied[i].detail = try detail(of: tied[i], key: answer.accessKey) }
        }
        var latest = tied.max { a, b in
            let c = LatestWins.compareBytes(a.eventId.utf8, b.eventId.utf8)
            return c != 0 ? c < 0 : LatestWins.compareBytes(a.detail, b.detail) < 0
        }
        if let p = latest, p.detail.isEmpty { latest?.detail = try detail(of: p, key: answer.accessKey) }
        return InfoAnswer(
            accessKey: answer.accessKey, window: answer.window, latest: latest, notes: answer.notes,
            sameAsOfs: answer.sameAsOfs)
    }

    func detail(of p: Product, key: String) throws(QueryError) -> [UInt8] {
        let row = ProductRow(
            service: p.serviceName, timestamp: p.usedTimestamp, eventId: p.eventId, source: p.source, detail: [])
        return try QueryError.reading(try reader.detail(of: row, key: key))
    }
}

import KeytrailScan
package import KeytrailStore

/// Answers GetAccessKeyLastUsedProducts from the index.
package final class ProductsQuery {
    let reader: IndexReader
    let catalog: ServiceCatalog
    /// The index's census as of a commit generation (read again after an ingest commits).
    var census: (generation: Int64, value: IndexCensus)?
    /// Whether answers carry their notes (`AnswerNotes`); the server, which sends none, skips them.
    var withNotes = true

    /// A query over an open index.
    package init(reader: IndexReader, catalog: ServiceCatalog) {
        self.reader = reader
        self.catalog = catalog
    }

    /// The window for `asOf` and `days`, resolving `latest` against the index.
    package func window(asOf: AsOf, days: Int) throws(QueryError) -> Window {
        try asOf.window(days: days) { () throws(QueryError) in try QueryError.reading(try reader.newestTimestamp()) }
    }

    /// The products of `key` in `window` (without `details`, their Details are left empty), with
    /// the notes for stderr; `asked` is the as-of the window came from (`.now` gets the advice
    /// of `--as-of latest`). Throws `.asOfRefused` when the index holds a newer event for the key
    /// than the window's end.
    package func answer(
        key: String, window: Window, asked: AsOf? = nil, details: Bool = true
    ) throws(QueryError) -> ProductsAnswer {
        let rows = try QueryError.reading(try reader.products(key: key, details: details))
        try window.admit(key: key, newest: rows.map(\.timestamp).max())
        var products: [Product] = []
        for r in rows where window.contains(r.timestamp) {
            let names = catalog.names(for: r.service)
            products.append(
                Product(
                    usedTimestamp: r.timestamp, detail: r.detail, source: r.source, serviceName: r.service,
                    serviceNameCn: names.cn, serviceNameEn: names.en, eventId: r.eventId))
        }
        products.sort { a, b in
            if a.usedTimestamp != b.usedTimestamp { return a.usedTimestamp > b.usedTimestamp }
            return LatestWins.compareBytes(a.serviceName.utf8, b.serviceName.utf8) < 0
        }
        let notes =
            !withNotes
            ? []
            : rows.isEmpty
                ? try unknownKeyNotes(key)
                : try AnswerNotes.hidden(rows, window: window, asked: asked) { () throws(QueryError) in
                    try QueryError.reading(try reader.newestTimestamp())
                }
        return ProductsAnswer(
            accessKey: key, window: window, products: products, notes: notes,
            sameAsOfs: window.sameEvents(rows.lazy.map(\.timestamp)))
    }

    /// The notes for a key the index does not hold (its census read once per commit generation).
    func unknownKeyNotes(_ key: String) throws(QueryError) -> [String] {
        let generation = try QueryError.reading(try reader.generation())
        if census?.generation != generation {
            census = (generation, try QueryError.reading(try reader.census()))
        }
        return AnswerNotes.unknownKey(key, census: census!.value)
    }
}

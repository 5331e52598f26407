package import KeytrailScan
package import KeytrailStore

/// One answered product, in the API's terms.
package struct Product: Equatable, Sendable {
    /// `UsedTimestamp`, epoch ms.
    package var usedTimestamp: Int64
    /// `Detail`: the event's JSON text (UTF-8).
    package var detail: [UInt8]
    /// `Source`.
    package var source: EventSource
    /// `ServiceName`.
    package var serviceName: String
    /// `ServiceNameCn`.
    package var serviceNameCn: String
    /// `ServiceNameEn`.
    package var serviceNameEn: String
    /// The event's `eventId` (not answered; breaks ties for Info).
    package var eventId: String = ""
}

/// The query was asked at a time before events the index holds for the key: refuse, don't guess.
package struct AsOfRefusal: Error, Sendable, CustomStringConvertible {
    /// The key asked about.
    package var accessKey: String
    /// The as-of time asked.
    package var asOf: Int64
    /// The newest event the index holds for the key.
    package var newest: Int64

    /// The message for `keytrail: error:`.
    package var description: String {
        "the index holds events of \(accessKey) up to \(Timestamp.format(newest, millis: true)), after --as-of "
            + "\(Timestamp.format(asOf, millis: true)); it cannot know what was latest at that time. "
            + "Build a point-in-time index with `keytrail ingest --until \(Timestamp.format(asOf, millis: true))`"
    }
}

/// The answer to GetAccessKeyLastUsedProducts for one key.
package struct ProductsAnswer: Sendable {
    /// The key asked about.
    package var accessKey: String
    /// The window used.
    package var window: Window
    /// Products in the window, newest first, then ServiceName by bytes.
    package var products: [Product]
    /// When the window hides every product the index knows for the key: a note for stderr.
    package var hiddenNote: String?
}

/// Answers GetAccessKeyLastUsedProducts from the index.
package final class ProductsQuery {
    let reader: IndexReader
    let catalog: ServiceCatalog

    /// A query over an open index.
    package init(reader: IndexReader, catalog: ServiceCatalog) {
        self.reader = reader
        self.catalog = catalog
    }

    /// The window for `asOf` and `days`, resolving `latest` against the index.
    package func window(asOf: AsOf, days: Int) throws -> Window {
        switch asOf {
        case .at(let t): return Window(asOf: t, days: days)
        case .now: return Window(asOf: AsOf.currentMillis(), days: days)
        case .latest: return Window(asOf: try reader.newestTimestamp() ?? AsOf.currentMillis(), days: days)
        }
    }

    /// The products of `key` in `window` (without `details`, their Details are left empty).
    /// Throws `AsOfRefusal` when the index holds a newer event for the key than the window's end.
    package func answer(key: String, window: Window, details: Bool = true) throws -> ProductsAnswer {
        let rows = try reader.products(key: key, details: details)
        if let newest = rows.map(\.timestamp).max(), newest > window.asOf {
            throw AsOfRefusal(accessKey: key, asOf: window.asOf, newest: newest)
        }
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
            return a.serviceName.utf8.lexicographicallyPrecedes(b.serviceName.utf8)
        }
        var note: String?
        if products.isEmpty, let last = rows.max(by: { $0.timestamp < $1.timestamp }) {
            note =
                "\(key) was last used \(Timestamp.format(last.timestamp, millis: true)) (\(last.service)), before the "
                + "\(window.days)-day window \(Timestamp.format(window.start, millis: true)) .. "
                + "\(Timestamp.format(window.asOf, millis: true)); \(rows.count) service(s) hidden"
        }
        return ProductsAnswer(accessKey: key, window: window, products: products, hiddenNote: note)
    }
}

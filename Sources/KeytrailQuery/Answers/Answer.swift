package import KeytrailStore

/// The answer to one operation, as a value; its JSON encoding is in `Answer+JSON.swift`, its
/// table and CSV forms in the command line.
package enum Answer: Sendable {
    /// GetAccessKeyLastUsedProducts.
    case products(ProductsAnswer)
    /// GetAccessKeyLastUsedInfo.
    case info(InfoAnswer)
    /// GetAccessKeyLastUsedEvents, …Ips, …Resources: one page.
    case listing(ListingAnswer)
}

extension Answer {
    /// What a careful colleague would add, for stderr as `keytrail: note:` lines (never in the body).
    package var notes: [String] {
        switch self {
        case .products(let a): return a.notes
        case .info(let a): return a.notes
        case .listing(let a): return a.notes
        }
    }
}

extension ProductsAnswer {
    /// The notes that go with the answer.
    package var notes: [String] { hiddenNote.map { [$0] } ?? [] }
}

/// The answer to GetAccessKeyLastUsedInfo: the key's latest event in the window.
package struct InfoAnswer: Sendable {
    /// The key asked about.
    package var accessKey: String
    /// The window used.
    package var window: Window
    /// The latest product, its Detail read; nil when the window holds none.
    package var latest: Product?
    /// The notes that go with the answer.
    package var notes: [String]
}

/// One page of a listing (Events, Ips, Resources) of one key and service.
package struct ListingAnswer: Sendable {
    /// Which listing.
    package var listing: Listing
    /// The key asked about.
    package var accessKey: String
    /// The service asked about.
    package var service: String
    /// The window (the first page's, on every page).
    package var window: Window
    /// This page's rows, in the listing's order.
    package var rows: [DimensionRow]
    /// The token of the next page; `""` on the last.
    package var nextToken: String
    /// The notes that go with the answer.
    package var notes: [String]
}

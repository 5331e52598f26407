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

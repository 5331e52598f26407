package import KeytrailStore

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

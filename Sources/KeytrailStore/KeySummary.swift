/// What the index knows of one AccessKey as a whole.
package struct KeySummary: Equatable, Sendable {
    /// The AccessKey ID.
    package var key: String
    /// Its newest UsedTimestamp over every service.
    package var lastUsed: Int64
    /// How many services it was used for.
    package var services: Int
    /// The service of its newest event.
    package var lastService: String
    /// Its newest event's Detail (for the principal).
    package var detail: [UInt8]
}

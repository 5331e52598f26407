package import KeytrailScan

/// One row of a sibling dimension: the latest event of (key, service, name[, sub]).
package struct DimensionRow: Equatable, Sendable {
    /// EventName, Ip, or ResourceType.
    package var name: String
    /// ResourceName (empty for the other dimensions).
    package var sub: String
    /// The row's time as of the generation asked for (its time then, or when it was created
    /// after it): where the row stays in a listing paged across commits.
    package var position: Int64 = 0
    /// `eventTime` in epoch milliseconds.
    package var timestamp: Int64
    /// The event's `eventId`.
    package var eventId: String
    /// How the event is classified.
    package var source: EventSource
    /// The event's JSON text as archived.
    package var detail: [UInt8]
    /// Where the event was read (filled for `--explain` only).
    package var provenance: Provenance?

    /// Creates a row.
    package init(name: String, sub: String, timestamp: Int64, eventId: String, source: EventSource, detail: [UInt8]) {
        self.name = name
        self.sub = sub
        self.timestamp = timestamp
        self.eventId = eventId
        self.source = source
        self.detail = detail
    }
}

package import KeytrailScan

/// One (key, service) row of the index.
package struct ProductRow: Equatable, Sendable {
    /// The event's top-level `serviceName`.
    package var service: String
    /// `eventTime` in epoch milliseconds.
    package var timestamp: Int64
    /// The event's `eventId`.
    package var eventId: String
    /// How the event is classified.
    package var source: EventSource
    /// The event's JSON text as archived (UTF-8, validated at ingest).
    package var detail: [UInt8]

    /// Creates a row.
    package init(service: String, timestamp: Int64, eventId: String, source: EventSource, detail: [UInt8]) {
        self.service = service
        self.timestamp = timestamp
        self.eventId = eventId
        self.source = source
        self.detail = detail
    }
}

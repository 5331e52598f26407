package import KeytrailScan

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
    /// Where the event was read (filled for `--explain` only; not in the cloud's answer).
    package var provenance: Provenance?
}

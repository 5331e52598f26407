import KeytrailScan

/// One generated ActionTrail event: the facts a reference model needs, and its JSON text.
package struct SynthEvent: Sendable {
    /// `userIdentity.accessKeyId` (nil for console events without a key).
    package var accessKeyId: String?
    /// Top-level `serviceName`.
    package var serviceName: String
    /// `eventTime` in epoch milliseconds.
    package var timestamp: Int64
    /// `eventId`.
    package var eventId: String
    /// The compact JSON text.
    package var json: [UInt8]
}

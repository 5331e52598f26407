/// What a generated archive holds: for each indexed event, the facts a reference model needs.
package struct SynthRecord: Sendable {
    /// `userIdentity.accessKeyId`, nil for events without a key.
    package var accessKeyId: String?
    /// `serviceName`.
    package var serviceName: String
    /// `eventTime` in epoch ms.
    package var timestamp: Int64
    /// `eventId`.
    package var eventId: String
    /// The Detail text keytrail must answer with (the event exactly as archived).
    package var detail: [UInt8]
}

import KeytrailScan

/// The query was asked at a time before events the index holds for the key: refuse, don't guess.
package struct AsOfRefusal: Sendable, CustomStringConvertible {
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

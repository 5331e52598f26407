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
            + Self.advice(until: asOf)
    }

    /// How to answer as of `until`: a point-in-time index, in a new file (an index that holds
    /// later events refuses `--until`).
    package static func advice(until: Int64) -> String {
        "Build a point-in-time index in a new file: "
            + "`keytrail ingest --db NEW --until \(Timestamp.format(until, millis: true)) PATH...`"
    }

    /// Why `ingest --until until` is refused on the index at `path`, whose newest event is
    /// `newest` (later than `until`): it would mix a later state into a point-in-time index.
    package static func untilRefused(path: String, newest: Int64, until: Int64) -> String {
        "\(path) already holds events up to \(Timestamp.format(newest, millis: true)), after --until "
            + "\(Timestamp.format(until, millis: true)): it cannot become a point-in-time index. "
            + advice(until: until)
    }
}

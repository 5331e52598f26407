/// Progress of a running ingest, for a terminal status line.
package struct IngestProgress: Sendable {
    /// Files handled so far.
    package var filesDone: Int
    /// Files to handle.
    package var filesTotal: Int
    /// Events read so far.
    package var events: Int
    /// Raw bytes read so far.
    package var bytes: Int
    /// Seconds since the start.
    package var seconds: Double
}

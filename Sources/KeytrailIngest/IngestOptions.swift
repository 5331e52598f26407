import KeytrailPOSIX

/// How an ingest runs.
package struct IngestOptions: Sendable {
    /// The index file.
    package var databasePath: String
    /// Skip events after this time (epoch ms): a point-in-time index.
    package var until: Int64?
    /// Parallel file workers (default: online CPUs).
    package var jobs: Int
    /// Files larger than this are read and framed in windows, so memory holds the longest JSON
    /// line (or, for a document, the document) rather than the file. Standard input always is.
    package var streamAbove = 64 << 20
    /// Bytes per read when streaming.
    package var streamChunk = 4 << 20
    /// Wait for another ingest of the same index to finish instead of failing at once.
    package var waitForLock = false
    /// Commit after this many files (one transaction per batch).
    package var batchFiles = 1000
    /// Commit when the batch holds this many rows: about 110 bytes of memory each (a 48-byte
    /// `BatchTable.Entry`, its hash slots, its tag's bytes, and its share of the key, eventId and
    /// position bytes the rows of one event have in common).
    package var batchEntries = 4_000_000
    /// Commit when the rows' key, tag and eventId bytes reach this many: a tag holds a resource's
    /// name or an IP, of any length, so rows alone do not bound the batch's memory.
    package var batchBytes = 512 << 20
    /// The most key, tag and eventId bytes a batch can hold at all (its entries' 32-bit offsets):
    /// a wave of files that would take it further is refused (`IngestError.batchTooLarge`). A
    /// seam for tests, which lower it.
    package var batchStorageLimit = Int(UInt32.max)
    /// Commit when the spill files hold this many bytes (disk beside the index).
    package var batchSpillBytes = 8 << 30
    /// Keep the sibling rows (events, IPs, resources)? nil: the index's setting (yes for a new
    /// one). false (`--products-only`) builds an index for Products and Info only, smaller and
    /// faster to build.
    package var siblings: Bool?
    /// Asked between files and batches: true stops the run at once with `IngestError.interrupted`,
    /// keeping the batches committed so far (SIGINT and SIGTERM in the command line).
    package var shouldStop: (@Sendable () -> Bool)?
    /// Called with a file's path after the file was read and before it is checked for changes:
    /// a seam for tests, which change the file there (nil in real runs).
    package var afterRead: (@Sendable (String) -> Void)?

    /// Options for the index at `databasePath`.
    package init(databasePath: String, until: Int64? = nil, jobs: Int? = nil) {
        self.databasePath = databasePath
        self.until = until
        self.jobs = max(1, jobs ?? POSIX.onlineCPUs)
    }
}

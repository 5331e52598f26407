import KeytrailStore

/// What accumulates between commits besides the shared table: manifest rows and a file count.
struct Batch {
    /// (absolute path, entry, events read) of each file recorded as done by this batch's commit.
    var manifest: [([UInt8], ManifestEntry, Int64)] = []
    /// Files read into this batch (copies aside).
    var files = 0
}

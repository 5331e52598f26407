import KeytrailStore

/// What accumulates between commits besides the shared table: manifest rows and a file count.
struct Batch {
    /// (absolute path, entry, events read) of each file recorded as done by this batch's commit.
    var manifest: [([UInt8], ManifestEntry, Int64)] = []
    /// Files read into this batch (copies aside).
    var files = 0
    /// The checksums of the copies this batch records (files skipped for holding content read
    /// under another name): the least name of a content names its events (`IndexWriter.nameCopies`).
    var copies: [[UInt8]] = []
}

package import KeytrailPOSIX

/// Why the index cannot be opened, read or written: the store's one error type (SQLite's own
/// errors arrive wrapped, as `sqlite`). Each message is a full sentence for the user.
package enum IndexError: Error, CustomStringConvertible, Sendable, Equatable {
    /// SQLite refused a statement or the file.
    case sqlite(SQLiteError)
    /// No file at `path` (a query before any ingest).
    case missing(path: String)
    /// `path` exists but is not a regular file.
    case notAFile(path: String)
    /// `path` is a directory (an ingest was pointed at one).
    case isDirectory(path: String)
    /// The directory that would hold a new index does not exist.
    case noDirectory(path: String, directory: String)
    /// The directory that holds the index cannot be written.
    case directoryNotWritable(path: String, directory: String, SystemError)
    /// The index file cannot be written.
    case notWritable(path: String, SystemError)
    /// A SQLite database, but not a keytrail index.
    case foreign(path: String)
    /// An index of an older schema, which only an ingest upgrades.
    case olderSchema(path: String, version: Int64)
    /// An index of a newer schema than this build reads.
    case newerSchema(path: String, version: Int64, supported: Int64)
    /// `--products-only` asked of an index that keeps the sibling rows.
    case keepsSiblings(path: String)
    /// The sibling rows asked of an index built with `--products-only`.
    case builtProductsOnly(path: String)
    /// A listing (`operation`) asked of an index built with `--products-only`.
    case noSiblings(operation: String)
    /// A WAL-mode index whose `-wal` (committed changes) has no `-shm` beside it, in a directory
    /// where none can be created: a reader cannot see the changes.
    case logWithoutSharedMemory(path: String)
    /// A first build could not be put in place of the (empty) index at `path`.
    case cannotPlaceBuild(path: String, SystemError)
    /// A stored Detail does not inflate; `whileWriting`: met by an ingest rather than a query.
    case corruptDetail(path: String, whileWriting: Bool)
    /// A shard's Detail dictionary has the id of a different one in the target (`path`).
    case dictionaryClash(path: String, id: UInt32)
    /// A shard's rows name events of `key` that no shard holds a Detail of (`shard`: the one
    /// whose row named the first of them, when known).
    case shardLacksDetails(shard: String?, key: String, events: Int)

    /// The message for the user.
    package var description: String {
        switch self {
        case .sqlite(let e): return e.description
        case .missing(let path): return "no index at \(path); run `keytrail ingest --db \(path) PATH...` first"
        case .notAFile(let path): return "\(path) is not an index file"
        case .isDirectory(let path): return "\(path) is a directory, not an index file"
        case .noDirectory(let path, let dir): return "cannot create the index \(path): directory \(dir) does not exist"
        case .directoryNotWritable(let path, let dir, let e):
            return "cannot write the index \(path): directory \(dir) is not writable (\(e))"
        case .notWritable(let path, let e): return "cannot write the index \(path): \(e)"
        case .foreign(let path): return "\(path) is a SQLite database but not a keytrail index"
        case .olderSchema(let path, let version):
            return "\(path) is an index of schema version \(version); run `keytrail ingest` to upgrade it"
        case .newerSchema(let path, let version, let supported):
            return "\(path) has schema version \(version), newer than this keytrail (\(supported)); upgrade keytrail"
        case .keepsSiblings(let path):
            return "\(path) keeps the sibling rows (events, IPs, resources); --products-only applies to a new index"
        case .builtProductsOnly(let path):
            return "\(path) was built with --products-only; pass it again, or build a new index for the siblings"
        case .noSiblings(let operation):
            return "the index was built with `ingest --products-only`: it answers Products and Info; "
                + "build an index without it for \(operation)"
        case .logWithoutSharedMemory(let path):
            return "\(path) comes with \(path)-wal (changes not yet in the index file) but no \(path)-shm, and "
                + "none can be created here: copy the index and its -wal to a writable directory and query the copy"
        case .cannotPlaceBuild(let path, let e):
            return "cannot put the new index in place at \(path): \(e); rerun the ingest"
        case .dictionaryClash(let path, let id):
            return "cannot merge into \(path): a shard compresses its Details with a dictionary whose id (\(id)) "
                + "is another dictionary's in \(path); ingest that shard's inputs into \(path) instead"
        case .shardLacksDetails(let shard, let key, let events):
            return "cannot merge: \(shard ?? "a shard")'s rows name \(events) event(s) of \(key) that no shard holds "
                + "the Detail of: that shard is damaged; ingest its inputs into a new shard and merge that instead"
        case .corruptDetail(let path, let whileWriting):
            return whileWriting
                ? "\(path): a stored Detail is corrupt"
                : "\(path): a stored Detail is corrupt; rebuild the index with `keytrail ingest`"
        }
    }

    /// Runs `body`, SQLite's errors wrapped as `sqlite`.
    @inline(__always)
    static func wrapping<T>(_ body: () throws(SQLiteError) -> T) throws(IndexError) -> T {
        do { return try body() } catch { throw .sqlite(error) }
    }
}

package import KeytrailPOSIX
package import KeytrailStore

/// Why an ingest could not run or stopped: a failure of the machinery or of the index, not of an
/// input file (those are `Rejection`s). Each message is a full sentence for the user.
package enum IngestError: Error, CustomStringConvertible, Sendable {
    /// SQLite could not open or create the index; nothing was read.
    case cannotOpenIndex(path: String, SQLiteError)
    /// The index refused the run (not writable, not a keytrail index, other settings, corrupt).
    case index(IndexError)
    /// Another ingest holds the index's lock, and the run was not asked to wait.
    case busy(databasePath: String)
    /// The lock file beside the index could not be created.
    case cannotCreateLockFile(path: String, SystemError)
    /// The lock file could not be locked.
    case cannotLock(path: String, SystemError)
    /// A spill file could not be created in the index's directory.
    case cannotCreateTemporaryFile(directory: String, SystemError)
    /// A spill file could not be written.
    case cannotWriteTemporaryFile(SystemError)
    /// A spill file could not be read back.
    case cannotReadTemporaryFile(SystemError)
    /// An input whose Details were to be read again at the commit (`SpillFile.init(source:)`)
    /// changed after it was read (its size or modification time), or shrank.
    case inputChanged(path: String)
    /// An input whose Details were to be read again at the commit could not be read.
    case inputUnreadable(path: String, SystemError)
    /// A batch's commit failed (`cause`); its `files` are read again by the next run.
    /// The run was asked to stop (`IngestOptions.shouldStop`): `committed` files are in the
    /// manifest, `left` are read by the next run.
    case interrupted(committed: Int, left: Int)
    indirect case commitFailed(databasePath: String, files: Int, cause: IngestError)
    /// A merge refused a shard before writing anything: `reason` says why.
    case shardRefused(path: String, reason: String)
    /// A merge was asked to stop: `merged` shards are in the target, `left` are not.
    case mergeInterrupted(merged: Int, left: Int)
    /// Merging `file` into the batch would take its keys, tags and eventIds past 4 GiB (a batch
    /// is cut at `IngestOptions.batchBytes`, checked between waves of files: one wave held more).
    case batchTooLarge(file: String)

    /// The message for the user.
    package var description: String {
        switch self {
        case .cannotOpenIndex(let path, let e): return "cannot write the index \(path): \(e); nothing was read"
        case .index(let e): return e.description
        case .busy(let db): return "another keytrail ingest is writing to \(db); wait for it, or rerun with --wait"
        case .cannotCreateLockFile(let path, let e): return "cannot create the lock file \(path): \(e)"
        case .cannotLock(let path, let e): return "cannot lock \(path): \(e)"
        case .cannotCreateTemporaryFile(let dir, let e): return "cannot create a temporary file in \(dir): \(e)"
        case .cannotWriteTemporaryFile(let e): return "cannot write a temporary file: \(e)"
        case .cannotReadTemporaryFile(let e): return "cannot read a temporary file: \(e)"
        case .inputChanged(let path):
            return "\(path) changed while its events were being stored (its size or modification time "
                + "is not what was read); write it once, then rerun"
        case .inputUnreadable(let path, let e): return "cannot read \(path) again to store its events: \(e)"
        case .interrupted(let committed, let left):
            return "interrupted: \(committed) files committed, \(left) left; rerun the same command to finish"
        case .commitFailed(let db, let files, let cause):
            return "cannot write the index \(db): \(cause); the \(files) file(s) of this batch "
                + "were not recorded and the next run reads them again (earlier batches are kept)"
        case .shardRefused(let path, let reason): return "cannot merge \(path): \(reason); nothing was merged"
        case .mergeInterrupted(let merged, let left):
            return "interrupted: \(merged) shards merged, \(left) left; rerun the same command to finish"
        case .batchTooLarge(let file):
            return "the batch cannot take \(file): its rows' keys, names and eventIds would pass 4 GiB in "
                + "memory; rerun with fewer workers (--jobs 1) or split the largest inputs (batches "
                + "committed before are kept)"
        }
    }
}

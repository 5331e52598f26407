import Glibc
import KeytrailExtract
import KeytrailStore

/// The batch's reduced entries and the workers' spill files, shared by the workers that merge
/// into them (behind a `Lock`).
struct SharedBatch {
    /// The latest event per row across the batch's files.
    var table: BatchTable
    /// One temporary file per worker, indexed like the processors; then the batch's inputs whose
    /// Details are read again from them (`SpillFile.init(source:)`).
    var spills: [SpillFile]
    /// How many of `spills` are the workers' temporary files.
    let temporaries: Int

    init(spills: [SpillFile], storageLimit: Int = Int(UInt32.max)) {
        table = BatchTable(storageLimit: storageLimit)
        self.spills = spills
        temporaries = spills.count
    }

    /// At most this many inputs of a batch stay open to be read again (the rest are copied to the
    /// spill files): a quarter of the descriptors this process may open, and at most 256.
    static let maxSources: Int = {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        return Int(min(256, limit.rlim_cur / 4))
    }()

    /// Merges a file's table (`BatchTable.merge`). `kept`: the file, open, whose Details are its
    /// bytes verbatim: the batch reads them from its own descriptor of it (closed with the batch).
    mutating func merge(
        _ file: MaxRegisterTable, name: [UInt8], spill: Int, kept: (fd: Int32, path: String, entry: ManifestEntry)?
    ) throws(IngestError) -> (write: BatchTable.SpillWrite, spills: [SpillFile]) {
        var source: Int?
        if let kept, spills.count - temporaries < Self.maxSources {
            let fd = fcntl(kept.fd, F_DUPFD_CLOEXEC, 0)
            if fd >= 0 {
                let number = table.index(of: name)
                spills.append(
                    SpillFile(
                        source: fd, SpillFile.Source(path: kept.path, entry: kept.entry, file: number)))
                source = spills.count - 1
            }
        }
        return (try table.merge(file, name: name, spill: spill, spills: spills, source: source), spills)
    }

    /// Empties the batch (after its commit): the temporary files are truncated, the inputs closed.
    mutating func removeAll() {
        table.removeAll()
        spills.removeSubrange(temporaries...)
        for f in spills { f.reset() }
    }
}

/// The batch's reduced entries and the workers' spill files, shared by the workers that merge
/// into them (behind a `Lock`).
struct SharedBatch {
    /// The latest event per row across the batch's files.
    var table = BatchTable()
    /// One per worker, indexed like the processors.
    var spills: [SpillFile]
}

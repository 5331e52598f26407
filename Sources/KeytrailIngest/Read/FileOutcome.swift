import KeytrailExtract
import KeytrailStore

/// What a worker made of one file (its entries are merged into the shared batch table directly).
struct FileOutcome {
    var item: InputItem
    /// The manifest row the file gets once it is ingested completely (regular files only).
    var entry: ManifestEntry?
    /// Content ingested before (or claimed by another file of this run): skipped without parsing.
    var isCopy = false
    /// Whether the file was framed to its end: the processor's table holds its entries.
    var framed = false
    var rawBytes = 0
    var contentBytes = 0
    var result = FileResult()
    /// The file, still open, when its Details may be read again from it (`FileReader.read`'s
    /// `keepVerbatim`): its processor's entries name where (`sourceOffset`); `entry` is its size
    /// and modification time as read. Whoever takes the outcome closes it.
    var kept: Int32?
    /// A failure of the machinery (a spill file could not be written): the run stops.
    var failure: IngestError?
}

/// What one input file contributed besides its entries (which stay in the processor's `table`):
/// counts, notes and rejections.
package struct FileResult {
    /// The file's event counters.
    package var counts = EventCounts()
    /// Skipped events worth pointing at, with positions (at most `FileProcessor.maxNotes`).
    package var notes: [SkipNote] = []
    /// Rejected units with positions (at most `FileProcessor.maxRejections` listed, one more says so).
    package var rejections: [Rejection] = []
    /// Units (lines or the whole document) rejected, listed or not.
    package var rejectedUnits = 0

    /// Nothing read yet.
    package init() {}

    /// A file rejected whole before any of it was framed (it could not be read or inflated).
    package init(rejecting rejection: Rejection) {
        rejections = [rejection]
    }
}

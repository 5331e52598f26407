import KeytrailPOSIX
import KeytrailStore

/// The discover stage's manifest check: a file whose path, size and mtime match its manifest row
/// (for this `--until`) is unchanged, skipped without being opened.
struct UnchangedFiles {
    let writer: IndexWriter
    let until: Int64

    /// Whether `item` is unchanged since the manifest recorded it (standard input never is).
    func contains(_ item: InputItem) throws(IngestError) -> Bool {
        guard !item.isStdin, let st = FileStatus(path: item.path) else { return false }
        let entry: ManifestEntry?
        do throws(IndexError) { entry = try writer.manifestEntry(path: item.absolute, until: until) } catch {
            throw .index(error)
        }
        guard let entry else { return false }
        return entry.matches(st)
    }
}

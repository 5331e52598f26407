import Glibc
import KeytrailExtract
import KeytrailPOSIX
import KeytrailStore

/// An unnamed temporary file beside the index that holds Detail text between commits, so the
/// batch's memory holds only the small fields (the file vanishes when closed or when the process dies).
/// Or an input file itself (`init(source:)`), whose Details are its bytes verbatim: they are read
/// again from it at the commit rather than copied into a temporary file and back.
///
/// Space is reserved under the batch's lock (`reserve`) and written after it (`write`), so a
/// worker copying a file's winners out does not hold the other workers back; a read of a range
/// reserved but not yet written waits for it (`Progress.written` only grows: one worker writes a
/// file, its reservations in order).
final class SpillFile: @unchecked Sendable {
    let fd: Int32
    /// Bytes reserved so far (under the batch's lock).
    private(set) var size = 0

    /// How far the file is written, or why it never will be.
    private struct Progress {
        var written = 0
        var failure: IngestError?
    }
    private let progress = Lock(Progress())

    /// An input read again: its name for messages, its manifest row as it was read, and its
    /// batch-local number (`BatchTable.files`).
    struct Source {
        let path: String
        let entry: ManifestEntry
        let file: UInt32
    }
    let source: Source?

    /// Creates the file in `directory` (O_TMPFILE, else a created-and-unlinked file).
    init(directory: String) throws(IngestError) {
        do throws(SystemError) { fd = try POSIX.temporaryFile(in: directory) } catch {
            throw .cannotCreateTemporaryFile(directory: directory, error)
        }
        source = nil
    }

    /// An input file open as `fd` (closed with this), with nothing to write: every range of it
    /// may be read.
    init(source fd: Int32, _ source: Source) {
        self.fd = fd
        self.source = source
        progress.withLock { $0.written = Int.max }
    }

    /// Throws when the input file is no longer what was read (its size or modification time
    /// moved, as the manifest judges files): its Details would not be the ones parsed.
    func checkSource() throws(IngestError) {
        guard let source else { return }
        guard let now = FileStatus(fd: fd), source.entry.matches(now) else {
            throw .inputChanged(path: source.path)
        }
    }

    deinit { close(fd) }

    /// Reserves `count` bytes at the end; returns their offset. `write` must follow, with the
    /// same range, before anything else is reserved.
    func reserve(_ count: Int) -> Int {
        let start = size
        size += count
        return start
    }

    /// Writes `bytes` at `offset`, the range `reserve` gave. A failure is also recorded for any
    /// read waiting for the range.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(IngestError) {
        do throws(SystemError) { try POSIX.write(fd, bytes, at: Int64(offset)) } catch {
            let failure = IngestError.cannotWriteTemporaryFile(error)
            progress.withLockSignalling(all: true) { $0.failure = failure }
            throw failure
        }
        progress.withLockSignalling(all: true) { $0.written = max($0.written, offset + bytes.count) }
    }

    /// Reads `count` bytes at `offset` into `buffer` (replacing its content).
    func read(offset: Int, count: Int, into buffer: ByteBuffer) throws(IngestError) {
        buffer.count = 0
        buffer.reserve(count)
        try read(offset: offset, count: count, to: buffer.base)
        buffer.count = count
    }

    /// Reads `count` bytes at `offset` to `destination`, once they are written.
    func read(offset: Int, count: Int, to destination: UnsafeMutableRawPointer) throws(IngestError) {
        let failure = progress.withLock(when: { $0.failure != nil || $0.written >= offset + count }) { $0.failure }
        if let failure { throw failure }
        let n: Int
        do throws(SystemError) { n = try POSIX.readFully(fd, into: destination, count: count, at: Int64(offset)) } catch
        {
            if let source { throw .inputUnreadable(path: source.path, error) }
            throw .cannotReadTemporaryFile(error)
        }
        // The file ended early (ours: only a disk or kernel fault does this; an input: it shrank).
        if n < count {
            if let source { throw .inputChanged(path: source.path) }
            throw .cannotReadTemporaryFile(.current)
        }
    }

    /// Forgets the content (after a commit).
    func reset() {
        _ = ftruncate(fd, 0)
        size = 0
        progress.withLock { $0 = Progress() }
    }
}

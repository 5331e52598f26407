import Glibc
import KeytrailExtract
import KeytrailPOSIX

/// An unnamed temporary file beside the index that holds Detail text between commits, so the
/// batch's memory holds only the small fields (the file vanishes when closed or when the process dies).
final class SpillFile: @unchecked Sendable {
    let fd: Int32
    /// Bytes written so far.
    private(set) var size = 0

    /// Creates the file in `directory` (O_TMPFILE, else a created-and-unlinked file).
    init(directory: String) throws(IngestError) {
        do throws(SystemError) { fd = try POSIX.temporaryFile(in: directory) } catch {
            throw .cannotCreateTemporaryFile(directory: directory, error)
        }
    }

    deinit { close(fd) }

    /// Appends `bytes`; returns their offset.
    func append(_ bytes: UnsafeRawBufferPointer) throws(IngestError) -> Int {
        let start = size
        do throws(SystemError) { try POSIX.write(fd, bytes, at: Int64(start)) } catch {
            throw .cannotWriteTemporaryFile(error)
        }
        size += bytes.count
        return start
    }

    /// Reads `count` bytes at `offset` into `buffer` (replacing its content).
    func read(offset: Int, count: Int, into buffer: ByteBuffer) throws(IngestError) {
        buffer.count = 0
        buffer.reserve(count)
        try read(offset: offset, count: count, to: buffer.base)
        buffer.count = count
    }

    /// Reads `count` bytes at `offset` to `destination`.
    func read(offset: Int, count: Int, to destination: UnsafeMutableRawPointer) throws(IngestError) {
        let n: Int
        do throws(SystemError) { n = try POSIX.readFully(fd, into: destination, count: count, at: Int64(offset)) } catch
        {
            throw .cannotReadTemporaryFile(error)
        }
        // The file ended early (it is ours: only a disk or kernel fault does this).
        if n < count { throw .cannotReadTemporaryFile(.current) }
    }

    /// Forgets the content (after a commit).
    func reset() {
        _ = ftruncate(fd, 0)
        size = 0
    }
}

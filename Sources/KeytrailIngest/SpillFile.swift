import Glibc

/// An unnamed temporary file beside the index that holds Detail text between commits, so the
/// batch's memory holds only the small fields (the file vanishes when closed or when the process dies).
final class SpillFile: @unchecked Sendable {
    let fd: Int32
    /// Bytes written so far.
    private(set) var size = 0

    /// Creates the file in `directory` (O_TMPFILE, else a created-and-unlinked file).
    init(directory: String) throws {
        // O_TMPFILE (Linux: __O_TMPFILE | O_DIRECTORY) is a macro Swift does not import.
        let oTmpfile: Int32 = 0o20_000_000 | O_DIRECTORY
        var fd = open(directory, oTmpfile | O_RDWR | O_CLOEXEC, 0o600)
        if fd < 0 {
            var template = Array((directory + "/.keytrail-spill-XXXXXX").utf8CString)
            fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            if fd >= 0 {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            }
        }
        guard fd >= 0 else {
            throw IngestError("cannot create a temporary file in \(directory): \(String(cString: strerror(errno)))")
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Appends `bytes`; returns their offset.
    func append(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        let start = size
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(start + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw IngestError("cannot write a temporary file: \(String(cString: strerror(errno)))")
            }
            done += n
        }
        size += bytes.count
        return start
    }

    /// Reads `count` bytes at `offset` into `buffer` (replacing its content).
    func read(offset: Int, count: Int, into buffer: ByteBuffer) throws {
        buffer.count = 0
        buffer.reserve(count)
        try read(offset: offset, count: count, to: buffer.base)
        buffer.count = count
    }

    /// Reads `count` bytes at `offset` to `destination`.
    func read(offset: Int, count: Int, to destination: UnsafeMutableRawPointer) throws {
        var done = 0
        while done < count {
            let n = pread(fd, destination + done, count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw IngestError("cannot read a temporary file: \(String(cString: strerror(errno)))") }
            done += n
        }
    }

    /// Forgets the content (after a commit).
    func reset() {
        _ = ftruncate(fd, 0)
        size = 0
    }
}

/// A failure of the ingest machinery itself (not of an input file).
package struct IngestError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    package var description: String
    init(_ d: String) { description = d }
}

@preconcurrency import Glibc

extension POSIX {
    /// Calls `body` with `path` (raw bytes, which need not be UTF-8) as a NUL-terminated C string.
    package static func withCPath<R>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        (path + [0]).withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }

    /// Opens `path`, given as bytes, read-only (close-on-exec).
    package static func openForReading(_ path: [UInt8]) throws(SystemError) -> Int32 {
        try retrying { withCPath(path) { Glibc.open($0, O_RDONLY | O_CLOEXEC) } }
    }

    /// Reads until `count` bytes are in `into` or the input ends, from the current position or,
    /// with `offset`, from there (pread(2)); returns how many were read (fewer than `count` only
    /// at the end).
    package static func readFully(
        _ fd: Int32, into: UnsafeMutableRawPointer, count: Int, at offset: Int64? = nil
    ) throws(SystemError) -> Int {
        var done = 0
        while done < count {
            let n: Int
            if let offset {
                n = try read(fd, into: into + done, count: count - done, at: offset + Int64(done))
            } else {
                n = try read(fd, into: into + done, count: count - done)
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Writes all of `bytes` at `offset` (pwrite(2)), in as many calls as it takes.
    package static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(SystemError) {
        var done = 0
        while done < bytes.count {
            done += try retrying {
                pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            }
        }
    }

    /// Takes an exclusive flock(2) on `fd`, waiting for it when `wait`; without `wait`, a lock
    /// held elsewhere throws EWOULDBLOCK (`SystemError.isWouldBlock`).
    package static func lockExclusive(_ fd: Int32, wait: Bool) throws(SystemError) {
        _ = try retrying { flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) }
    }

    /// Creates an unnamed temporary file in `directory`, readable and writable by its owner only,
    /// that vanishes when closed (O_TMPFILE; else a file created and unlinked at once).
    package static func temporaryFile(in directory: String) throws(SystemError) -> Int32 {
        // O_TMPFILE (Linux: __O_TMPFILE | O_DIRECTORY) is a macro Swift does not import.
        let oTmpfile: Int32 = 0o20_000_000 | O_DIRECTORY
        if let fd = try? open(directory, flags: oTmpfile | O_RDWR, mode: 0o600) { return fd }
        var template = Array((directory + "/.keytrail-spill-XXXXXX").utf8CString)
        let fd = try retrying { template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) } }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return fd
    }

    /// Creates the directory `path`; one that exists already is no failure.
    package static func makeDirectory(_ path: String, mode: UInt32 = 0o755) throws(SystemError) {
        do {
            _ = try retrying { mkdir(path, mode_t(mode)) }
        } catch {
            if error.code != EEXIST { throw error }
        }
    }
}

extension SystemError {
    /// Whether this is "would block" (a lock held elsewhere, a non-blocking call with nothing to do).
    package var isWouldBlock: Bool { code == EAGAIN || code == EWOULDBLOCK }

    /// Whether the process or system is out of descriptors or buffers.
    package var isResourceExhaustion: Bool { code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM }
}

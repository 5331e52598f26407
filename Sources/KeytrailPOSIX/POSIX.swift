@preconcurrency import Glibc

/// System calls, each retried on EINTR in this one place.
package enum POSIX {
    /// Runs `call` until it returns something other than −1 with EINTR; −1 with another errno is
    /// thrown.
    @inline(__always)
    package static func retrying<T: BinaryInteger>(_ call: () -> T) throws(SystemError) -> T {
        while true {
            let r = call()
            if r != -1 { return r }
            if errno != EINTR { throw SystemError.current }
        }
    }

    /// One read(2) of at most `count` bytes into `into`; 0 at the end of the input.
    package static func read(_ fd: Int32, into: UnsafeMutableRawPointer, count: Int) throws(SystemError) -> Int {
        try retrying { Glibc.read(fd, into, count) }
    }

    /// One pread(2) at `offset`; 0 at the end of the file.
    package static func read(
        _ fd: Int32, into: UnsafeMutableRawPointer, count: Int, at offset: Int64
    ) throws(SystemError) -> Int {
        try retrying { pread(fd, into, count, off_t(offset)) }
    }

    /// Writes all of `bytes` to `fd`, in as many write(2) calls as it takes.
    package static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        var off = 0
        while off < bytes.count {
            let n = try retrying { Glibc.write(fd, bytes.baseAddress! + off, bytes.count - off) }
            // write(2) of a nonzero count never returns 0 on a working file; never spin on it.
            guard n > 0 else { throw SystemError(code: EIO) }
            off += n
        }
    }

    /// Writes all of `text`'s UTF-8 to `fd`.
    package static func write(_ fd: Int32, _ text: String) throws(SystemError) {
        var t = text
        let failure = t.withUTF8 { buf -> SystemError? in
            do throws(SystemError) {
                try write(fd, UnsafeRawBufferPointer(buf))
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// Everything `fd` yields until its end.
    package static func readAll(_ fd: Int32, sizeHint: Int = 1 << 16) throws(SystemError) -> [UInt8] {
        var capacity = max(sizeHint, 1 << 12)
        var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var count = 0
        while true {
            if count == capacity {
                let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
                grown.copyMemory(from: buffer, byteCount: count)
                buffer.deallocate()
                buffer = grown
                capacity *= 2
            }
            let n = try read(fd, into: buffer + count, count: capacity - count)
            if n == 0 { break }
            count += n
        }
        return Array(UnsafeRawBufferPointer(start: buffer, count: count))
    }

    /// Opens `path` read-only (close-on-exec).
    package static func openForReading(_ path: String) throws(SystemError) -> Int32 {
        try retrying { Glibc.open(path, O_RDONLY | O_CLOEXEC) }
    }

    /// Opens `path` with `flags` (O_CLOEXEC added) and, when it creates the file, `mode`.
    package static func open(_ path: String, flags: Int32, mode: UInt32 = 0o644) throws(SystemError) -> Int32 {
        try retrying { Glibc.open(path, flags | O_CLOEXEC, mode_t(mode)) }
    }

    /// The whole file at `path`; `-` is standard input.
    package static func readFile(_ path: String) throws(SystemError) -> [UInt8] {
        if path == "-" { return try readAll(0) }
        let fd = try openForReading(path)
        defer { Glibc.close(fd) }
        let hint = FileStatus(fd: fd).map { Int($0.size) + 1 } ?? 1 << 16
        return try readAll(fd, sizeHint: hint)
    }

    /// Closes `fd` (never retried: Linux releases the descriptor even when close is interrupted).
    @discardableResult
    package static func close(_ fd: Int32) -> Int32 { Glibc.close(fd) }

    /// Whether this process may write `path` (access(2) with W_OK: real user, mode, read-only mounts).
    package static func isWritable(_ path: String) -> Bool { access(path, W_OK) == 0 }

    /// Whether `fd` is a terminal.
    package static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// The width in columns of the terminal `fd` is, if it is one that knows its size.
    package static func terminalColumns(_ fd: Int32) -> Int? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// The environment variable `name`, if set.
    package static func environment(_ name: String) -> String? {
        guard let v = getenv(name) else { return nil }
        return String(cString: v)
    }

    /// The number of online CPUs.
    package static var onlineCPUs: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

extension POSIX {
    /// Makes a write to a closed pipe fail with EPIPE instead of killing the process, so the
    /// caller decides how the command ends.
    package static func ignoreBrokenPipes() { signal(SIGPIPE, SIG_IGN) }

    /// Ends the process as a broken pipe does by default (killed by SIGPIPE, status 141 in the
    /// shell), as git does after an EPIPE: quietly, and visible to `set -o pipefail`.
    package static func exitForBrokenPipe() -> Never {
        signal(SIGPIPE, SIG_DFL)
        raise(SIGPIPE)
        exit(128 + SIGPIPE)
    }
}

extension SystemError {
    /// Whether this is a write to a pipe (or socket) whose reader has gone.
    package var isBrokenPipe: Bool { code == EPIPE }
}

@preconcurrency import Glibc

/// What stat(2) says of a file, with the modification time to the nanosecond.
package struct FileStatus: Equatable, Sendable {
    /// Size in bytes.
    package var size: Int64
    /// Modification time, nanoseconds since the Unix epoch.
    package var mtimeNanos: Int64
    /// The file type and permission bits (`st_mode`).
    package var mode: UInt32
    /// The device holding the file; with `inode`, the file's identity (loop detection).
    package var device: UInt64
    /// The file's inode number on `device`.
    package var inode: UInt64

    /// The status of `path`, following symbolic links; nil when it cannot be read (see `errno`).
    package init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        self.init(st)
    }

    /// The status of `path` given as bytes (paths need not be UTF-8), following symbolic links.
    package init?(path: [UInt8]) {
        var st = stat()
        let rc = (path + [0]).withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { stat($0, &st) }
        }
        guard rc == 0 else { return nil }
        self.init(st)
    }

    /// The status of an open file.
    package init?(fd: Int32) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        self.init(st)
    }

    private init(_ st: stat) {
        size = Int64(st.st_size)
        mtimeNanos = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        mode = UInt32(st.st_mode)
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
    }

    /// A directory?
    package var isDirectory: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFDIR) }
    /// A regular file?
    package var isRegular: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFREG) }
    /// The permission bits granted to group or others (a secret file must have none).
    package var groupOrOtherBits: UInt32 { mode & 0o077 }
}

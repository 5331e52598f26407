import Glibc

/// A file's bytes in memory: the raw bytes (mapped or read), and the decompressed content.
final class LoadedInput {
    /// The raw bytes as stored (compressed when gzip).
    let raw: UnsafeRawBufferPointer
    /// Whether the raw bytes were gzip.
    let gzipped: Bool
    private let mapped: Bool
    private let rawOwner: ByteBuffer?
    private var inflated: ByteBuffer?

    private init(raw: UnsafeRawBufferPointer, mapped: Bool, owner: ByteBuffer?) {
        self.raw = raw
        self.mapped = mapped
        self.rawOwner = owner
        self.gzipped = Gzip.isGzip(raw)
    }

    deinit {
        if mapped, let b = raw.baseAddress { munmap(UnsafeMutableRawPointer(mutating: b), raw.count) }
    }

    /// The decompressed content (the raw bytes when not gzip). Inflates on first use.
    func content() throws(Gzip.Failure) -> UnsafeRawBufferPointer {
        guard gzipped else { return raw }
        if let inflated { return inflated.bytes }
        let out = ByteBuffer(capacity: raw.count * 4)
        try Gzip.inflate(raw, into: out)
        inflated = out
        return out.bytes
    }

    /// Maps (or, for non-regular files, reads) an open descriptor.
    static func map(fd: Int32, size: Int) throws(IOFailure) -> LoadedInput {
        if size > 0 {
            if let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED {
                madvise(p, size, MADV_SEQUENTIAL | MADV_WILLNEED)
                return LoadedInput(raw: UnsafeRawBufferPointer(start: p, count: size), mapped: true, owner: nil)
            }
        }
        return try readAll(fd: fd)
    }

    /// Reads a descriptor to its end (stdin, pipes, files that cannot be mapped).
    static func readAll(fd: Int32) throws(IOFailure) -> LoadedInput {
        let buffer = ByteBuffer(capacity: 1 << 20)
        while true {
            buffer.reserve(1 << 20)
            let spare = buffer.spare
            let n = read(fd, spare.baseAddress, spare.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw IOFailure(message: "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            buffer.count += n
        }
        return LoadedInput(raw: buffer.bytes, mapped: false, owner: buffer)
    }
}

/// A file that could not be opened or read.
struct IOFailure: Error {
    var message: String
}

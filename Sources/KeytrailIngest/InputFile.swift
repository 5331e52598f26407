import Glibc

/// Reading inputs into reusable buffers: whole, or a chunk at a time.
enum InputFile {
    /// Reads `fd` to its end into `buffer` (emptied first), growing it as needed.
    static func readAll(fd: Int32, into buffer: ByteBuffer, sizeHint: Int) throws(IOFailure) {
        buffer.count = 0
        buffer.reserve(max(sizeHint + 1, 1 << 16))
        while true {
            if buffer.capacity - buffer.count < 1 << 16 { buffer.reserve(buffer.capacity) }
            if try append(fd: fd, to: buffer, max: buffer.capacity - buffer.count) == 0 { return }
        }
    }

    /// Reads up to `chunk` bytes into `buffer` (replacing its content); 0 at the end.
    static func readChunk(fd: Int32, into buffer: ByteBuffer, chunk: Int) throws(IOFailure) -> Int {
        buffer.count = 0
        buffer.reserve(chunk)
        while buffer.count < chunk {
            if try append(fd: fd, to: buffer, max: chunk - buffer.count) == 0 { break }
        }
        return buffer.count
    }

    /// One read(2) of at most `max` bytes appended to `buffer` (which has room), retried on EINTR.
    private static func append(fd: Int32, to buffer: ByteBuffer, max: Int) throws(IOFailure) -> Int {
        while true {
            let n = read(fd, buffer.base + buffer.count, max)
            if n >= 0 {
                buffer.count += n
                return n
            }
            if errno != EINTR { throw IOFailure(message: "read failed: \(String(cString: strerror(errno)))") }
        }
    }
}

/// A file that could not be opened or read.
struct IOFailure: Error {
    var message: String
}

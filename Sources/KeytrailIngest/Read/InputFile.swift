import KeytrailExtract
import KeytrailPOSIX

/// Reading inputs into reusable buffers: whole, or a chunk at a time.
enum InputFile {
    /// Reads `fd` to its end into `buffer` (emptied first), growing it as needed.
    static func readAll(fd: Int32, into buffer: ByteBuffer, sizeHint: Int) throws(SystemError) {
        buffer.count = 0
        buffer.reserve(max(sizeHint + 1, 1 << 16))
        while true {
            if buffer.capacity - buffer.count < 1 << 16 { buffer.reserve(buffer.capacity) }
            let room = buffer.capacity - buffer.count
            let n = try POSIX.readFully(fd, into: buffer.base + buffer.count, count: room)
            buffer.count += n
            if n < room { return }
        }
    }

    /// Reads up to `chunk` bytes into `buffer` (replacing its content); 0 at the end.
    static func readChunk(fd: Int32, into buffer: ByteBuffer, chunk: Int) throws(SystemError) -> Int {
        buffer.count = 0
        buffer.reserve(chunk)
        buffer.count = try POSIX.readFully(fd, into: buffer.base, count: chunk)
        return buffer.count
    }
}

import Glibc

/// Reading whole inputs into reusable buffers.
enum InputFile {
    /// Reads `fd` to its end into `buffer` (emptied first), growing it as needed.
    static func readAll(fd: Int32, into buffer: ByteBuffer, sizeHint: Int) throws(IOFailure) {
        buffer.count = 0
        buffer.reserve(max(sizeHint + 1, 1 << 16))
        while true {
            if buffer.capacity - buffer.count < 1 << 16 { buffer.reserve(buffer.capacity) }
            let spare = buffer.spare
            let n = read(fd, spare.baseAddress, spare.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw IOFailure(message: "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return }
            buffer.count += n
        }
    }
}

/// A file that could not be opened or read.
struct IOFailure: Error {
    var message: String
}

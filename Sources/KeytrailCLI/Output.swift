@preconcurrency import Glibc

/// Writing to the standard streams and reading whole files, without Foundation.
enum Output {
    /// Writes `text` and a newline to standard output.
    static func out(_ text: String) { write(1, text + "\n") }

    /// Writes `text` and a newline to standard error.
    static func err(_ text: String) { write(2, text + "\n") }

    /// `keytrail: error: message` on standard error.
    static func error(_ message: String) { err("keytrail: error: \(message)") }

    /// Writes all of `text` to `fd`.
    static func write(_ fd: Int32, _ text: String) {
        var t = text
        t.withUTF8 { buf in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                off += n
            }
        }
    }

    /// Whether `fd` is a terminal.
    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Reads a whole file (or standard input for `-`).
    static func readFile(_ path: String) throws(UsageError) -> [UInt8] {
        let fd = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw UsageError(message: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { if fd != 0 { close(fd) } }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw UsageError(message: "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            data.append(contentsOf: chunk[0..<n])
        }
        return data
    }

    /// The environment variable `name`, if set.
    static func environment(_ name: String) -> String? {
        guard let v = getenv(name) else { return nil }
        return String(cString: v)
    }
}

@preconcurrency import Glibc

/// The callers the server accepts: `ACCESS_KEY_ID SECRET` pairs from a private file.
package struct Credentials: Sendable {
    private var secrets: [String: [UInt8]] = [:]

    /// The number of callers.
    package var count: Int { secrets.count }

    /// Parses the file's text: one `ACCESS_KEY_ID SECRET` per line (spaces or tabs between),
    /// `#` comment lines and blank lines ignored. `source` names the file in errors.
    package init(text: String, source: String = "credentials") throws(ServeError) {
        var lineNumber = 0
        for raw in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = Substring(raw.last == "\r" ? raw.dropLast() : raw)
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.isEmpty || fields[0].hasPrefix("#") { continue }
            // Never quote the line itself: it holds a secret.
            guard fields.count == 2 else {
                throw ServeError(
                    "\(source):\(lineNumber): expected ACCESS_KEY_ID SECRET, found \(fields.count) field(s)")
            }
            let id = String(fields[0])
            guard id.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }), id.utf8.count <= 128 else {
                throw ServeError("\(source):\(lineNumber): the AccessKeyId must be printable ASCII, at most 128 bytes")
            }
            guard secrets.updateValue(Array(fields[1].utf8), forKey: id) == nil else {
                throw ServeError("\(source):\(lineNumber): AccessKeyId \(id) is listed twice")
            }
        }
        guard !secrets.isEmpty else { throw ServeError("\(source): no ACCESS_KEY_ID SECRET line") }
    }

    /// Loads `path`, refusing a file that group or others may read or write (as ssh does).
    package static func load(path: String) throws(ServeError) -> Credentials {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ServeError("cannot open credentials file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            throw ServeError("credentials file \(path) is not a regular file")
        }
        let mode = st.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw ServeError(
                "credentials file \(path) is accessible by group or others (mode 0\(String(mode, radix: 8))); "
                    + "run `chmod 600 \(path)`")
        }
        guard st.st_size <= 16 << 20 else { throw ServeError("credentials file \(path) is larger than 16 MiB") }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ServeError("cannot read credentials file \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            data.append(contentsOf: chunk[0..<n])
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ServeError("credentials file \(path) is not UTF-8")
        }
        return try Credentials(text: text, source: path)
    }

    /// The secret of caller `id`, nil for an unknown caller.
    package func secret(for id: String) -> [UInt8]? { secrets[id] }
}

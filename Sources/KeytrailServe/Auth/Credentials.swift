import KeytrailPOSIX

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
                throw .credentialsFieldCount(source: source, line: lineNumber, fields: fields.count)
            }
            let id = String(fields[0])
            guard id.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }), id.utf8.count <= 128 else {
                throw .credentialsBadId(source: source, line: lineNumber)
            }
            guard secrets.updateValue(Array(fields[1].utf8), forKey: id) == nil else {
                throw .credentialsDuplicate(source: source, line: lineNumber, id: id)
            }
        }
        guard !secrets.isEmpty else { throw .credentialsEmpty(source: source) }
    }

    /// Loads `path`, refusing a file that group or others may read or write (as ssh does).
    package static func load(path: String) throws(ServeError) -> Credentials {
        let fd: Int32
        do throws(SystemError) {
            fd = try POSIX.openForReading(path)
        } catch {
            throw .cannotOpenCredentials(path: path, error)
        }
        defer { POSIX.close(fd) }
        guard let status = FileStatus(fd: fd), status.isRegular else { throw .credentialsNotRegular(path: path) }
        guard status.groupOrOtherBits == 0 else { throw .credentialsExposed(path: path, mode: status.mode & 0o777) }
        guard status.size <= 16 << 20 else { throw .credentialsTooLarge(path: path) }
        let data: [UInt8]
        do throws(SystemError) {
            data = try POSIX.readAll(fd, sizeHint: Int(status.size) + 1)
        } catch {
            throw .cannotReadCredentials(path: path, error)
        }
        guard let text = String(validating: data, as: UTF8.self) else { throw .credentialsNotUTF8(path: path) }
        return try Credentials(text: text, source: path)
    }

    /// The secret of caller `id`, nil for an unknown caller.
    package func secret(for id: String) -> [UInt8]? { secrets[id] }
}

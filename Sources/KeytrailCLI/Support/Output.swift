import KeytrailPOSIX

/// Writing to the standard streams and reading whole files.
enum Output {
    /// Writes `text` and a newline to standard output.
    static func out(_ text: String) { write(1, text + "\n") }

    /// Writes `text` and a newline to standard error.
    static func err(_ text: String) { write(2, text + "\n") }

    /// `keytrail: error: message` on standard error.
    static func error(_ message: String) { err("keytrail: error: \(message)") }

    /// `keytrail: note: message` on standard error.
    static func note(_ message: String) { err("keytrail: note: \(message)") }

    /// Writes all of `text` to `fd`.
    static func write(_ fd: Int32, _ text: String) {
        // A failed write is not reported yet (issue 12 checks every write).
        try? POSIX.write(fd, text)
    }

    /// Whether `fd` is a terminal.
    static func isTerminal(_ fd: Int32) -> Bool { POSIX.isTerminal(fd) }

    /// Reads a whole file (or standard input for `-`).
    static func readFile(_ path: String) throws(CLIError) -> [UInt8] {
        let fd: Int32
        do {
            fd = path == "-" ? 0 : try POSIX.openForReading(path)
        } catch {
            throw .usage("cannot open \(path): \(error)")
        }
        defer { if fd != 0 { _ = POSIX.close(fd) } }
        do {
            return try POSIX.readAll(fd)
        } catch {
            throw .usage("cannot read \(path): \(error)")
        }
    }

    /// The environment variable `name`, if set.
    static func environment(_ name: String) -> String? { POSIX.environment(name) }
}

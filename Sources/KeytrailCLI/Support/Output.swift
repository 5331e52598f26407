import KeytrailPOSIX
import Synchronization

/// Writing to the standard streams and reading whole files. Every write to stdout and stderr goes
/// through `write`, which checks it: the first failure is kept, later writes do nothing, and the
/// command ends with it (`CLIError.output`), so a truncated answer never exits 0.
enum Output {
    /// The first write that failed, if any.
    private static let failed = Mutex<SystemError?>(nil)

    /// Writes `text` and a newline to standard output.
    static func out(_ text: String) throws(CLIError) { try write(1, text + "\n") }

    /// Writes `text` and a newline to standard error.
    static func err(_ text: String) throws(CLIError) { try write(2, text + "\n") }

    /// `keytrail: error: message` on standard error.
    static func error(_ message: String) throws(CLIError) { try err("keytrail: error: \(message)") }

    /// `keytrail: note: message` on standard error.
    static func note(_ message: String) throws(CLIError) { try err("keytrail: note: \(message)") }

    /// Writes all of `text` to `fd`; a failure (now or earlier) throws `CLIError.output`.
    static func write(_ fd: Int32, _ text: String) throws(CLIError) {
        if let earlier = failure { throw .output(earlier) }
        do throws(SystemError) {
            try POSIX.write(fd, text)
        } catch {
            failed.withLock { $0 = $0 ?? error }
            throw .output(error)
        }
    }

    /// Writes where a failure cannot stop the caller (a progress callback): it is kept and ends the
    /// command at its next write or at its end.
    static func draw(_ fd: Int32, _ text: String) { try? write(fd, text) }

    /// `keytrail: error: cannot write the output: …` on stderr, bypassing the stickiness of
    /// `write` (this is the one message a failed write leaves); if stderr fails too, nothing can
    /// be said.
    static func reportFailure(_ failure: SystemError) {
        try? POSIX.write(2, "keytrail: error: cannot write the output: \(failure)\n")
    }

    /// The first failed write, if any.
    static var failure: SystemError? { failed.withLock { $0 } }

    /// Whether `fd` is a terminal.
    static func isTerminal(_ fd: Int32) -> Bool { POSIX.isTerminal(fd) }

    /// The width a table on `fd` fits: `COLUMNS` when set to a number, else the terminal's width,
    /// else 80.
    static func columns(_ fd: Int32) -> Int {
        if let text = environment("COLUMNS"), let n = Int(text), n > 0 { return n }
        return POSIX.terminalColumns(fd) ?? 80
    }

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

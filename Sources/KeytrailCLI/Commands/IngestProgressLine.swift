import KeytrailIngest
import KeytrailPOSIX

/// The ingest's status line on a terminal (stderr): redrawn four times a second by a thread of
/// its own from the run's live counters, so that it moves within a large file whatever the
/// workers are doing; `stop` ends it and clears the line, leaving nothing behind.
final class IngestProgressLine: Sendable {
    /// Seconds between draws.
    static let period = 0.25
    /// Set by `stop`; the drawing thread waits on it between draws.
    private let stopped = Lock(false)
    private let thread: Thread

    /// Starts drawing `live` on stderr.
    init(_ live: LiveProgress) {
        let stopped = stopped
        thread = Thread {
            while true {
                // The width (the tables' rule: COLUMNS, else the terminal's, else 80) is asked for
                // at every draw: a resized terminal gets a line that fits.
                let width = Output.columns(2)
                // Text first, then erase the rest of the line: no blank flash between draws. The
                // last column is left free: a line that fills it leaves some terminals wrapping.
                Output.draw(2, "\r" + live.snapshot.line(width: width - 1) + "\u{1B}[K")
                if stopped.withLock(when: { $0 }, timeout: Self.period, { $0 }) { return }
            }
        }
    }

    /// Stops drawing and clears the line: what is printed next starts a clean line.
    func stop() throws(CLIError) {
        stopped.withLockSignalling(all: true) { $0 = true }
        thread.join()
        try Output.write(2, "\r\u{1B}[K")
    }
}

import KeytrailPOSIX
import Synchronization

/// The counters behind `IngestProgress`, added to by the run as it goes (the workers once per
/// read window or per file, the main thread per unchanged file) and read by whoever draws the
/// line, on a thread of its own. Relaxed atomics: a snapshot may mix counters a window apart,
/// which a status line redrawn four times a second does not show.
package final class LiveProgress: Sendable {
    /// Monotonic nanoseconds when the inputs were found; 0 before.
    private let startNanos = Atomic<Int>(0)
    private let filesDone = Atomic<Int>(0)
    private let filesTotal = Atomic<Int>(0)
    private let events = Atomic<Int>(0)
    private let bytes = Atomic<Int>(0)
    private let bytesTotal = Atomic<Int>(0)
    private let bytesDecompressed = Atomic<Int>(0)

    /// Counters at zero, the run not started.
    package init() {}

    /// The run's inputs are found: `files` of `bytes` raw bytes in all. Starts the clock.
    func begin(files: Int, bytes total: Int) {
        filesTotal.store(files, ordering: .relaxed)
        bytesTotal.store(total, ordering: .relaxed)
        startNanos.store(max(Int(Clock.monotonicSeconds() * 1e9), 1), ordering: .releasing)
    }

    /// A file the manifest already holds: done without being read, so its bytes leave the total
    /// (counted as read they would make the rate, and so the ETA, a lie).
    func skip(bytes n: Int) {
        bytesTotal.subtract(n, ordering: .relaxed)
        filesDone.add(1, ordering: .relaxed)
    }

    /// `raw` bytes read, `content` bytes framed and `events` read, added.
    func add(raw: Int, content: Int, events read: Int) {
        if raw != 0 { bytes.add(raw, ordering: .relaxed) }
        if content != 0 { bytesDecompressed.add(content, ordering: .relaxed) }
        if read != 0 { events.add(read, ordering: .relaxed) }
    }

    /// One file done (read, a copy, or rejected).
    func fileDone() { filesDone.add(1, ordering: .relaxed) }

    /// What the counters say now.
    package var snapshot: IngestProgress {
        let start = startNanos.load(ordering: .acquiring)
        guard start > 0 else { return IngestProgress(started: false) }
        return IngestProgress(
            filesDone: filesDone.load(ordering: .relaxed), filesTotal: filesTotal.load(ordering: .relaxed),
            events: events.load(ordering: .relaxed), bytes: bytes.load(ordering: .relaxed),
            bytesTotal: bytesTotal.load(ordering: .relaxed),
            bytesDecompressed: bytesDecompressed.load(ordering: .relaxed),
            seconds: Clock.monotonicSeconds() - Double(start) / 1e9)
    }
}

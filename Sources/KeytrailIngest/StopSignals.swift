import KeytrailPOSIX
import Synchronization

/// SIGINT and SIGTERM during an ingest: the first asks the run to stop (`IngestOptions.shouldStop`
/// is `isSet`), so that it ends between files with what is committed; a second exits at once
/// (status 130; an open transaction is rolled back by SQLite on the next open).
package final class StopSignals: Sendable {
    private let stopped = Atomic<Bool>(false)

    /// A flag no signal has set yet; `start` makes the signals set it.
    package init() {}

    /// Blocks SIGINT and SIGTERM in this thread and the threads it starts afterwards, and starts
    /// the one thread that waits for them. Call before any worker thread exists (and after the
    /// ingest lock is taken, so that Ctrl-C still ends a run waiting for it with `--wait`).
    package func start() {
        POSIX.onInterrupt { [self] in self.stopped.store(true, ordering: .releasing) }
    }

    /// Whether a signal asked the run to stop.
    package var isSet: Bool { stopped.load(ordering: .acquiring) }

}

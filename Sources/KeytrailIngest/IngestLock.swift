import Glibc
import KeytrailPOSIX

/// One ingest per index at a time: an exclusive `flock` on `<index>.lock`, held for the run.
///
/// SQLite would serialise the commits anyway (and the max-register makes interleaved commits
/// correct), but two runs would read and parse the same files twice; the second one is told at
/// once instead, or waits with `--wait`.
package final class IngestLock {
    private let fd: Int32

    /// Takes the lock for the index at `databasePath`; throws when another ingest holds it and
    /// `wait` is false.
    init(databasePath: String, wait: Bool) throws(IngestError) {
        let path = databasePath + ".lock"
        do throws(SystemError) { fd = try POSIX.open(path, flags: O_RDWR | O_CREAT, mode: 0o644) } catch {
            throw .cannotCreateLockFile(path: path, error)
        }
        do throws(SystemError) { try POSIX.lockExclusive(fd, wait: wait) } catch {
            // `fd` is set, so `deinit` runs and closes it (closing it here too closed it twice).
            throw error.isWouldBlock ? .busy(databasePath: databasePath) : .cannotLock(path: path, error)
        }
    }

    deinit { close(fd) }
}

extension IngestLock {
    /// Whether an ingest holds the lock of the index at `databasePath` now: tried without waiting
    /// and let go at once, on a descriptor opened read-only (no lock file is ever created).
    package static func isHeld(databasePath: String) -> Bool {
        guard let fd = try? POSIX.openForReading(databasePath + ".lock") else { return false }
        defer { _ = POSIX.close(fd) }
        do throws(SystemError) { try POSIX.lockExclusive(fd, wait: false) } catch { return error.isWouldBlock }
        return false
    }
}

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
    /// Whether an ingest holds the lock of the index at `databasePath` now. Read from the kernel's
    /// list of locks (`/proc/locks`), so that asking never takes the lock, even for an instant
    /// (an ingest starting then would be told another one runs); where that list cannot be read,
    /// the lock is tried without waiting on a read-only descriptor and let go at once. No lock
    /// file is ever created.
    package static func isHeld(databasePath: String) -> Bool {
        let path = databasePath + ".lock"
        guard let st = FileStatus(path: path) else { return false }
        guard let locks = try? POSIX.readFile("/proc/locks") else { return probe(path) }
        let dev = st.device
        let major = ((dev >> 8) & 0xFFF) | ((dev >> 32) & ~UInt64(0xFFF))
        let minor = (dev & 0xFF) | ((dev >> 12) & ~UInt64(0xFF))
        let id = hex2(major) + ":" + hex2(minor) + ":" + String(st.inode)
        // "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; a blocked waiter's line has "->".
        return String(decoding: locks, as: UTF8.self).split(separator: "\n").contains { line in
            let f = line.split(separator: " ")
            return f.count > 5 && f[1] == "FLOCK" && f[5] == id
        }
    }

    /// `n` in lowercase hexadecimal, at least two digits (as `/proc/locks` writes devices).
    private static func hex2(_ n: UInt64) -> String {
        let h = String(n, radix: 16)
        return h.count < 2 ? "0" + h : h
    }

    /// Tries the lock at `path` without waiting, and lets it go at once.
    private static func probe(_ path: String) -> Bool {
        guard let fd = try? POSIX.openForReading(path) else { return false }
        defer { _ = POSIX.close(fd) }
        do throws(SystemError) { try POSIX.lockExclusive(fd, wait: false) } catch { return error.isWouldBlock }
        return false
    }
}

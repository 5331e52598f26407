import Glibc

/// One ingest per index at a time: an exclusive `flock` on `<index>.lock`, held for the run.
///
/// SQLite would serialise the commits anyway (and the max-register makes interleaved commits
/// correct), but two runs would read and parse the same files twice; the second one is told at
/// once instead, or waits with `--wait`.
final class IngestLock {
    private let fd: Int32

    /// Takes the lock for the index at `databasePath`; throws when another ingest holds it and
    /// `wait` is false.
    init(databasePath: String, wait: Bool) throws {
        let path = databasePath + ".lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw IngestError("cannot create the lock file \(path): \(String(cString: strerror(errno)))")
        }
        while flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            if errno == EINTR { continue }
            let busy = errno == EWOULDBLOCK
            close(fd)
            throw IngestError(
                busy
                    ? "another keytrail ingest is writing to \(databasePath); wait for it, or rerun with --wait"
                    : "cannot lock \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }
}

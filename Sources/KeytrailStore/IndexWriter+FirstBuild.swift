import Glibc
import KeytrailPOSIX

/// The first build of an index has no committed state to protect and no reader to share it with:
/// it is written journal-off into a copy beside the index (`buildPath`) and renamed onto the
/// index when complete. A kill leaves the empty index as it was (and the copy, which the next
/// build discards): a rerun starts over. The WAL would otherwise write every page twice (the log,
/// then the checkpoint into the file).
extension IndexWriter {
    /// The file a first build of the index at `path` writes before it is renamed onto `path`.
    package static func buildPath(of path: String) -> String { path + "-build" }

    /// Starts a first build when this index is empty (no rows, no files): returns a journal-off
    /// writer of a copy of it (its settings and paging key included), or nil when the index is to
    /// be written in place — it holds something, a reader holds it in WAL mode, or it is a symbolic
    /// link or has other hard links (a rename would break them).
    package func startFirstBuild() throws(IndexError) -> IndexWriter? {
        let empty = try IndexError.wrapping { () throws(SQLiteError) in
            try db.scalarInt(
                """
                SELECT (SELECT count(*) FROM (SELECT 1 FROM dims LIMIT 1))
                    + (SELECT count(*) FROM (SELECT 1 FROM event_details LIMIT 1))
                    + (SELECT count(*) FROM (SELECT 1 FROM files LIMIT 1))
                """) == 0
        }
        var st = stat()
        guard empty, lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_nlink == 1 else { return nil }
        // At rest in rollback mode, the empty index is read without a -wal; were one there (a reader
        // opened it in WAL mode meanwhile), a rename would pair the new file with the old one's log.
        db.waitForLocks(milliseconds: 0)
        defer { db.waitForLocks(milliseconds: 30_000) }
        guard (try? db.execute("PRAGMA journal_mode=DELETE")) != nil, try journalMode() == "delete",
            FileStatus(path: path + "-wal") == nil, FileStatus(path: path + "-journal") == nil
        else { return nil }
        let build = Self.buildPath(of: path)
        // A killed build's copy: the ingest lock is held, so no other process writes it.
        unlink(build)
        unlink(build + "-journal")
        try IndexError.wrapping { () throws(SQLiteError) in
            let vacuum = try db.prepare("VACUUM INTO ?1")
            vacuum.bindText(1, build)
            try vacuum.run()
        }
        chmod(build, st.st_mode & 0o7777)
        return try IndexWriter(path: build, replacing: path)
    }

    /// Makes a first build's copy durable and renames it onto the index; from then on readers that
    /// open the index see the build. The writer writes no more.
    package func finishBuild() throws(IndexError) {
        guard let target = buildTarget else { return }
        // Durable before it is visible: a crash just after the rename never shows a torn index.
        let fd = open(path, O_RDONLY)
        if fd < 0 || fsync(fd) != 0 {
            let e = SystemError.current
            if fd >= 0 { _ = close(fd) }
            throw .cannotPlaceBuild(path: target, e)
        }
        _ = close(fd)
        // A log or hot journal beside the index would be read as the new file's.
        if FileStatus(path: target + "-wal") != nil || FileStatus(path: target + "-journal") != nil {
            throw .cannotPlaceBuild(path: target, SystemError(code: EBUSY))
        }
        guard rename(path, target) == 0 else { throw .cannotPlaceBuild(path: target, .current) }
        let dir = open(Self.directory(of: target), O_RDONLY | O_DIRECTORY)
        if dir >= 0 {
            _ = fsync(dir)
            _ = close(dir)
        }
    }

    /// Discards a first build's copy (a failed or interrupted build with nothing committed).
    package func abandonBuild() {
        guard buildTarget != nil else { return }
        unlink(path)
    }

    /// The file this writer writes.
    var path: String { db.path }

    /// The connection's journal mode, lower case.
    func journalMode() throws(IndexError) -> String {
        try IndexError.wrapping { () throws(SQLiteError) in
            let st = try db.prepare("PRAGMA journal_mode")
            return try st.step() ? st.text(0).lowercased() : ""
        }
    }
}

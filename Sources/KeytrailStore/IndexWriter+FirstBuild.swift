import Glibc
import KeytrailPOSIX

/// The first build of an index has no committed state to protect and no reader to share it with:
/// its first batch is written journal-off into a copy beside the index (`buildPath`), which is
/// renamed onto the index when that batch is committed. A kill before leaves the empty index as it
/// was (and the copy, which the next build discards): a rerun starts over. The WAL would otherwise
/// write every page twice (the log, then the checkpoint into the file).
extension IndexWriter {
    /// The file a first build of the index at `path` writes before it is renamed onto `path`.
    package static func buildPath(of path: String) -> String { path + "-build" }

    /// Starts a first build when the index at `path` is missing or empty (no rows, no files):
    /// returns a journal-off writer of a copy of it (its settings and paging key included), or nil
    /// when the index is to be written in place — it holds something, it is in WAL mode (a reader
    /// may hold its log: a rename would pair the new file with the old one's), it is a symbolic
    /// link or has other hard links (a rename would break them), or it is not a keytrail index of
    /// this version (the writer in place says why). A missing index is created first, as an empty
    /// copy renamed into place: no writer ever writes the index file itself in rollback mode,
    /// which would leave a journal that a kill makes hot for readers, who cannot roll it back.
    /// A copy that cannot be made is removed and its error thrown.
    package static func startFirstBuild(path: String, siblings requested: Bool?) throws(IndexError) -> IndexWriter? {
        var st = stat()
        let exists = lstat(path, &st) == 0
        let build = buildPath(of: path)
        if exists {
            guard st.st_mode & S_IFMT == S_IFREG, st.st_nlink == 1, !IndexReader.isWALMode(path),
                FileStatus(path: path + "-wal") == nil, FileStatus(path: path + "-journal") == nil
            else { return nil }
            // Read, never written: a read-only connection of a rollback-mode file creates nothing.
            let db = try IndexError.wrapping { () throws(SQLiteError) in try Database(path: path, readOnly: true) }
            guard try isEmptyCurrentIndex(db) else { return nil }
            // A killed build's copy: the ingest lock is held, so no other process writes it.
            for suffix in buildSuffixes { unlink(path + suffix) }
            do throws(IndexError) {
                try vacuum(db, into: build)
            } catch {
                unlink(build)
                throw error
            }
            chmod(build, st.st_mode & 0o7777)
        } else {
            for suffix in buildSuffixes { unlink(path + suffix) }
        }
        do throws(IndexError) {
            let writer = try IndexWriter(path: build, replacing: path)
            _ = try writer.siblings(requested: requested)
            if !exists { try writer.placeEmptyCopy() }
            return writer
        } catch {
            for suffix in buildSuffixes { unlink(path + suffix) }
            throw error
        }
    }

    /// Whether `db` is a keytrail index of this version with no rows and no files, or a file
    /// without a schema yet.
    private static func isEmptyCurrentIndex(_ db: Database) throws(IndexError) -> Bool {
        guard try IndexSchema.checkReadable(db) else { return true }
        return try IndexError.wrapping { () throws(SQLiteError) in
            try db.scalarInt(
                """
                SELECT (SELECT count(*) FROM (SELECT 1 FROM dims LIMIT 1))
                    + (SELECT count(*) FROM (SELECT 1 FROM event_details LIMIT 1))
                    + (SELECT count(*) FROM (SELECT 1 FROM files LIMIT 1))
                """) == 0
        }
    }

    private static func vacuum(_ db: Database, into file: String) throws(IndexError) {
        try IndexError.wrapping { () throws(SQLiteError) in
            let vacuum = try db.prepare("VACUUM INTO ?1")
            vacuum.bindText(1, file)
            try vacuum.run()
        }
    }

    /// The index exists before any input is read: a copy of the (empty) build is put in its place.
    private func placeEmptyCopy() throws(IndexError) {
        guard let target = buildTarget else { return }
        let empty = target + "-build-empty"
        unlink(empty)
        try Self.vacuum(db, into: empty)
        try Self.place(empty, onto: target)
    }

    /// Makes `file` durable and renames it onto `target` (then makes the rename durable).
    private static func place(_ file: String, onto target: String) throws(IndexError) {
        // Durable before it is visible: a crash just after the rename never shows a torn index.
        let fd = open(file, O_RDONLY)
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
        guard rename(file, target) == 0 else { throw .cannotPlaceBuild(path: target, .current) }
        let dir = open(directory(of: target), O_RDONLY | O_DIRECTORY)
        if dir >= 0 {
            _ = fsync(dir)
            _ = close(dir)
        }
    }

    /// Makes a first build's copy durable and renames it onto the index; from then on readers that
    /// open the index see the build. The writer writes no more. `thenWAL`: more batches follow,
    /// into the index in WAL mode: the copy is put in WAL mode first (its log checkpointed and
    /// removed), so that no writer switches the index itself out of rollback mode — a write with
    /// a rollback journal, which a kill would leave hot for readers, who cannot roll it back.
    package func finishBuild(thenWAL: Bool = false) throws(IndexError) {
        guard let target = buildTarget else { return }
        if thenWAL {
            try IndexError.wrapping { () throws(SQLiteError) in
                // Closed when it goes: the last WAL connection checkpoints and removes the log.
                let wal = try Database(path: path)
                try wal.execute("PRAGMA journal_mode=WAL")
            }
            guard FileStatus(path: path + "-wal") == nil, IndexReader.isWALMode(path) else {
                throw .cannotPlaceBuild(path: target, SystemError(code: EBUSY))
            }
            unlink(path + "-shm")
        }
        try Self.place(path, onto: target)
    }

    /// The files a first build may leave beside the index: the copy, and its journal or log.
    package static let buildSuffixes = ["-build", "-build-journal", "-build-wal", "-build-shm", "-build-empty"]

    /// Discards a first build's copy (a failed or interrupted build with nothing committed).
    package func abandonBuild() {
        guard let target = buildTarget else { return }
        for suffix in Self.buildSuffixes { unlink(target + suffix) }
    }

    /// The file this writer writes.
    var path: String { db.path }

}

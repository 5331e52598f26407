import Foundation
import TestSupport
import Testing

@testable import KeytrailStore

/// Queries never write, through the real binary: an index on read-only evidence (a directory the
/// user cannot write, a file of mode 0444) answers, as a user who is not root, and a query leaves
/// no file behind.
@Suite("Read-only index", .serialized)
struct ReadOnlyIndexTests {
    static let sampleKey = "LTAI5tv6QCVFimUPfpBMBSH6"

    /// The queries a responder runs, each with the index path appended.
    static let queries: [[String]] = [
        ["products", sampleKey, "--as-of", "latest"],
        ["info", sampleKey, "--as-of", "latest"],
        ["events", sampleKey, "--service", "Ecs", "--as-of", "latest"],
        ["keys", "--format", "csv", "--as-of", "latest"],
    ]

    /// How the index was left: by this keytrail (rollback mode at rest), or in WAL mode without a
    /// `-wal` file (built by an earlier keytrail, or copied without its `-wal`).
    enum Mode: String, CaseIterable { case atRest, walWithoutLog }

    /// The sample index in `dir/name`, left in `mode`.
    func index(_ dir: TemporaryDirectory, _ name: String, _ mode: Mode) throws -> String {
        let db = dir.file(name)
        let r = try Binary.run("keytrail", ["ingest", "--quiet", "--db", db, SampleLogs.path])
        #expect(r.status == 0, "\(r.stderr)")
        if mode == .walWithoutLog {
            let d = try Database(path: db)
            try d.execute("PRAGMA journal_mode=WAL")
        }
        // The ingest's lock file is the ingest's: a query neither needs nor makes it.
        try? FileManager.default.removeItem(atPath: db + ".lock")
        return db
    }

    /// The answer's text without its RequestId (fresh per answer).
    func stable(_ text: String) -> String {
        text.split(separator: "\n").filter { !$0.contains("\"RequestId\"") }.joined(separator: "\n")
    }

    func files(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    @Test(arguments: Mode.allCases)
    func aQueryLeavesNoFileBehind(_ mode: Mode) throws {
        let dir = TemporaryDirectory()
        let db = try index(dir, "k.sqlite", mode)
        let before = try files(dir.path)
        #expect(before == ["k.sqlite"])
        let modified = try FileManager.default.attributesOfItem(atPath: db)[.modificationDate] as? Date
        for q in Self.queries {
            let r = try Binary.run("keytrail", q + ["--db", db])
            #expect(r.status == 0, "\(q): \(r.stderr)")
        }
        #expect(try files(dir.path) == before)
        #expect(try FileManager.default.attributesOfItem(atPath: db)[.modificationDate] as? Date == modified)
    }

    /// Runs the binary as `nobody` when the tests run as root (permissions do not stop root),
    /// else as the user running the tests.
    func runUnprivileged(_ arguments: [String]) throws -> RunResult {
        guard getuid() == 0 else { return try Binary.run("keytrail", arguments) }
        return try Binary.run(
            "/usr/bin/setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", Binary.path("keytrail")] + arguments)
    }

    @Test(arguments: Mode.allCases)
    func nobodyAnswersFromReadOnlyEvidence(_ mode: Mode) throws {
        let dir = TemporaryDirectory()
        let reference = try index(dir, "ref.sqlite", .atRest)
        // The evidence: a directory nobody may write, holding the index as a 0444 file.
        let evidence = dir.file("evidence")
        try FileManager.default.createDirectory(atPath: evidence, withIntermediateDirectories: false)
        let db = try index(dir, "evidence/k.sqlite", mode)
        #expect(chmod(db, 0o444) == 0)
        #expect(chmod(evidence, 0o555) == 0)
        #expect(chmod(dir.path, 0o755) == 0)
        defer { _ = chmod(evidence, 0o755) }
        for q in Self.queries {
            let r = try runUnprivileged(q + ["--db", db])
            #expect(r.status == 0, "\(q): \(r.stderr)")
            let expected = try Binary.run("keytrail", q + ["--db", reference])
            #expect(stable(r.stdout) == stable(expected.stdout), "\(q)")
            #expect(r.stderr == expected.stderr, "\(q)")
        }
        #expect(try files(evidence) == ["k.sqlite"])
    }

    @Test func aLogWithoutItsSharedMemoryIsExplained() throws {
        let dir = TemporaryDirectory()
        let db = try index(dir, "k.sqlite", .atRest)
        let evidence = dir.file("evidence")
        try FileManager.default.createDirectory(atPath: evidence, withIntermediateDirectories: false)
        // Copied while a writer had changes in its -wal, without the -shm.
        do {
            let d = try Database(path: db)
            try d.execute("PRAGMA journal_mode=WAL")
            try d.execute("PRAGMA wal_autocheckpoint=0")
            try d.execute("INSERT OR REPLACE INTO meta(name, value) VALUES('copied', 1)")
            for suffix in ["", "-wal"] {
                try FileManager.default.copyItem(atPath: db + suffix, toPath: evidence + "/k.sqlite" + suffix)
            }
        }
        #expect(chmod(evidence, 0o555) == 0)
        #expect(chmod(dir.path, 0o755) == 0)
        defer { _ = chmod(evidence, 0o755) }
        let copy = evidence + "/k.sqlite"
        let r = try runUnprivileged(["products", Self.sampleKey, "--db", copy, "--as-of", "latest"])
        #expect(r.status == 2 && r.stdout.isEmpty)
        #expect(
            r.stderr == "keytrail: error: \(copy) comes with \(copy)-wal (changes not yet in the index file) but no "
                + "\(copy)-shm, and none can be created here: copy the index and its -wal to a writable directory and "
                + "query the copy\n")
    }

    @Test func aFileThatIsNotAnIndexIsNamedSo() throws {
        let dir = TemporaryDirectory()
        let x = try dir.write("x.json", "{\"not\": \"an index\"}\n")
        let r = try Binary.run("keytrail", ["products", "K", "--db", x])
        #expect(r.status == 2 && r.stdout.isEmpty)
        #expect(r.stderr == "keytrail: error: \(x) is not a keytrail index\n")
        #expect(!r.stderr.contains("SQLite"))
        #expect(try files(dir.path) == ["x.json"])
    }
}

import CSQLite
import Foundation
import KeytrailScan
import TestSupport
import Testing

@testable import KeytrailStore

@Suite("Index store")
struct IndexStoreTests {
    func offer(_ w: IndexWriter, _ key: String, _ service: String, _ ts: Int64, _ id: String, _ detail: String) throws {
        var k = key, s = service, i = id, d = detail
        try k.withUTF8 { kb in
            try s.withUTF8 { sb in
                try i.withUTF8 { ib in
                    try d.withUTF8 { db in
                        try w.offerProduct(
                            key: UnsafeRawBufferPointer(kb), service: UnsafeRawBufferPointer(sb), timestamp: ts,
                            eventId: UnsafeRawBufferPointer(ib), source: .management, detail: UnsafeRawBufferPointer(db)
                        )
                    }
                }
            }
        }
    }

    @Test func createsSchemaAndAnswersEmpty() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("i.sqlite")
        _ = try IndexWriter(path: path)
        let r = try IndexReader(path: path)
        #expect(try r.products(key: "K").isEmpty)
        #expect(try r.newestTimestamp() == nil)
        let db = try Database(path: path, readOnly: true)
        #expect(try db.scalarInt("PRAGMA application_id") == IndexSchema.applicationID)
        #expect(try db.scalarInt("PRAGMA user_version") == IndexSchema.currentVersion)
        // At rest the index is one file in rollback mode, which a read-only connection reads as it is.
        #expect(try db.text("PRAGMA journal_mode") == "delete")
    }

    /// A WAL-mode file without its -wal is read immutable, through a `file:` URI: a path with the
    /// characters a URI would read otherwise still names the file.
    @Test(arguments: ["plain", "a b?c#d%20e", "dé€p", "100%"])
    func aWALIndexWithoutItsLogIsReadWhereverItLies(_ name: String) throws {
        let dir = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file(name), withIntermediateDirectories: false)
        let path = dir.file(name + "/i.sqlite")
        do {
            let w = try IndexWriter(path: path)
            try w.begin()
            try offer(w, "K", "Ecs", 100, "A", "{a}")
            try w.commit()
        }
        do {
            let d = try Database(path: path)
            try d.execute("PRAGMA journal_mode=WAL")
        }
        #expect(IndexReader.isWALMode(path))
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        let r = try IndexReader(path: path)
        #expect(try r.products(key: "K").map(\.detail) == [Array("{a}".utf8)])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file(name)).sorted() == ["i.sqlite"])
        // A reader that follows ingests (serve) is a plain one where an ingest can write the file:
        // it sees a later commit instead of reading a changing file as fixed.
        #expect(r.readsImmutable)
        let follower = try IndexReader(path: path, followsIngests: true)
        #expect(!follower.readsImmutable)
        #expect(try follower.products(key: "K").map(\.detail) == [Array("{a}".utf8)])
        do {
            let w = try IndexWriter(path: path)
            try w.begin()
            try offer(w, "K", "Ecs", 200, "B", "{b}")
            try w.commit()
        }
        #expect(try follower.products(key: "K").map(\.detail) == [Array("{b}".utf8)])
        // The URI escapes what it must, and only that.
        #expect(Database.uri("/x/a b?#%.db", "immutable=1") == "file:///x/a%20b%3F%23%25.db?immutable=1")
        #expect(Database.uri("rel/é", "immutable=1") == "file:rel/%C3%A9?immutable=1")
    }

    @Test func maxRegisterKeepsGreatestTimestampThenEventIdThenDetail() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("i.sqlite")
        let w = try IndexWriter(path: path)
        try w.begin()
        try offer(w, "K", "Ecs", 100, "B", "{b}")
        try offer(w, "K", "Ecs", 50, "Z", "{older}")  // older: ignored
        try offer(w, "K", "Ecs", 100, "A", "{tie-smaller-id}")  // same time, smaller id: ignored
        try offer(w, "K", "Oss", 10, "A", "{a}")
        try offer(w, "K", "Oss", 10, "A", "{b}")  // same time and id: greater detail wins
        try offer(w, "K", "Oss", 10, "A", "{a}")
        try w.noteTimestamp(100)
        try w.noteTimestamp(40)
        try w.commit()
        let r = try IndexReader(path: path)
        let rows = try r.products(key: "K").sorted { $0.service < $1.service }
        #expect(rows.map(\.service) == ["Ecs", "Oss"])
        #expect(
            rows[0].timestamp == 100 && rows[0].eventId == "B"
                && String(decoding: rows[0].detail, as: UTF8.self) == "{b}")
        #expect(String(decoding: rows[1].detail, as: UTF8.self) == "{b}")
        #expect(try r.newestTimestamp() == 100)
    }

    @Test func rollbackLeavesNothing() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("i.sqlite")
        let w = try IndexWriter(path: path)
        try w.begin()
        try offer(w, "K", "Ecs", 1, "A", "{}")
        w.rollback()
        #expect(try IndexReader(path: path).products(key: "K").isEmpty)
    }

    @Test func manifestRoundTrip() throws {
        let dir = TemporaryDirectory()
        let w = try IndexWriter(path: dir.file("i.sqlite"))
        let entry = ManifestEntry(size: 10, mtimeNanos: 123, checksum: [1, 2, 3])
        try w.begin()
        try w.recordFile(path: Array("/a/b.gz".utf8), until: IndexWriter.noUntil, entry: entry, events: 5, now: 1)
        try w.commit()
        #expect(try w.manifestEntry(path: Array("/a/b.gz".utf8), until: IndexWriter.noUntil) == entry)
        #expect(try w.manifestEntry(path: Array("/a/b.gz".utf8), until: 5) == nil)
        #expect(try w.checksums(until: IndexWriter.noUntil).contains([1, 2, 3]))
        #expect(try w.checksums(until: IndexWriter.noUntil) == [[1, 2, 3]])
    }

    /// A SQLite file that is not a keytrail index, or an index of a newer schema.
    enum Refused: String, Sendable, CaseIterable {
        case foreign, newer

        /// Makes the file in `dir`; returns its path.
        func make(in dir: TemporaryDirectory) throws -> String {
            let path = dir.file("\(rawValue).sqlite")
            switch self {
            case .foreign:
                let db = try Database(path: path, create: true)
                try db.execute("CREATE TABLE t(x)")
            case .newer:
                _ = try IndexWriter(path: path)
                let db = try Database(path: path)
                try db.execute("PRAGMA user_version = \(IndexSchema.currentVersion + 1)")
            }
            return path
        }
    }

    @Test(arguments: Refused.allCases)
    func refusesForeignAndNewerDatabases(_ kind: Refused) throws {
        let dir = TemporaryDirectory()
        let path = try kind.make(in: dir)
        let want: IndexError =
            switch kind {
            case .foreign: .foreign(path: path)
            case .newer:
                .newerSchema(path: path, version: IndexSchema.currentVersion + 1, supported: IndexSchema.currentVersion)
            }
        #expect(throws: want) { try IndexWriter(path: path) }
        #expect(throws: want) { try IndexReader(path: path) }
    }

    @Test func missingIndexSaysToIngestFirst() throws {
        let dir = TemporaryDirectory()
        do {
            _ = try IndexReader(path: dir.file("none.sqlite"))
            Issue.record("expected an error")
        } catch {
            #expect(error == .missing(path: dir.file("none.sqlite")))
            #expect(error.description.contains("keytrail ingest"))
        }
    }
}

extension Database {
    func text(_ sql: String) throws -> String? {
        let s = try prepare(sql)
        guard try s.step() else { return nil }
        return s.text(0)
    }
}

@Suite("Index reader snapshots")
struct IndexSnapshotTests {
    /// One answer reads one commit: a commit landing between two of its reads is seen by the next
    /// answer, not half by this one. Snapshots nest, and the outermost holds the transaction.
    @Test func aSnapshotReadsOneCommit() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("i.sqlite")
        let store = IndexStoreTests()
        let w = try IndexWriter(path: path)
        try w.begin()
        try store.offer(w, "K", "Ecs", 100, "A", "{a}")
        try w.commit()
        // An ingest beside a reader writes through the WAL, where a reader's transaction does not
        // hold the writer up.
        let wal = try Database(path: path)
        try wal.execute("PRAGMA journal_mode=WAL")
        try wal.execute("INSERT OR REPLACE INTO meta(name, value) VALUES('max_ts', 100)")
        let r = try IndexReader(path: path, followsIngests: true)
        #expect(!r.db.inTransaction)
        let (inside, newest) = try r.snapshot { () throws -> ([[UInt8]], Int64?) in
            #expect(r.db.inTransaction)
            let before = try r.products(key: "K").map(\.detail)
            try wal.execute("DELETE FROM dims WHERE key = 'K'")
            try wal.execute("UPDATE meta SET value = 200 WHERE name = 'max_ts'")
            let nested = try r.snapshot { () throws in try r.products(key: "K").map(\.detail) }
            #expect(r.db.inTransaction)
            #expect(nested == before)
            return (before, try r.newestTimestamp())
        }
        #expect(inside == [Array("{a}".utf8)])
        #expect(newest == 100)
        #expect(!r.db.inTransaction)
        #expect(try r.products(key: "K").isEmpty)
        #expect(try r.newestTimestamp() == 200)
    }

    struct Thrown: Error {}

    /// A body that throws ends the transaction it began; a snapshot inside a transaction it did not
    /// begin (`status` is one) leaves that transaction to its owner.
    @Test func aSnapshotEndsOnlyTheTransactionItBegan() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("i.sqlite")
        _ = try IndexWriter(path: path)
        let r = try IndexReader(path: path)
        #expect(throws: Thrown.self) { try r.snapshot { () throws(Thrown) in throw Thrown() } }
        #expect(!r.db.inTransaction)
        try r.db.execute("BEGIN")
        try r.snapshot { () throws in _ = try r.products(key: "K") }
        #expect(r.db.inTransaction)
        try r.db.execute("COMMIT")
        _ = try r.status()
        #expect(!r.db.inTransaction)
    }
}

import Foundation
import KeytrailIngest
import KeytrailPOSIX
import KeytrailSynth
import TestSupport
import Testing

@testable import KeytrailStore

/// The first build of an index is written journal-off beside it (`INDEX-build`) and renamed onto
/// the empty index by its first commit; later batches, and any ingest into an index that holds
/// something, write the index in place in WAL mode. Answers never depend on which.
@Suite("First build")
struct FirstBuildTests {
    /// A small archive of every shape, as files under `dir/in`.
    func archive(_ dir: TemporaryDirectory, events: Int = 300, seed: UInt64 = 7) throws -> String {
        let factory = EventFactory(keyCount: 5, serviceCount: 6, detailBytes: 300, seed: seed)
        _ = try SynthArchive.writeMixed(
            to: dir.file("in"), events: events, factory: factory, end: 1_793_491_200_000, seed: seed)
        return dir.file("in")
    }

    /// Every row with its Detail and reference count, and the manifest, sorted.
    func everything(_ path: String) throws -> [String] {
        let db = try Database(path: path, readOnly: true)
        var out: [String] = []
        for sql in [
            """
            SELECT d.key, d.kind, d.service, d.name, d.sub, d.ts, d.event_id, e.source, e.refs, e.detail
            FROM dims d LEFT JOIN event_details e
            ON e.key = d.key AND e.service = d.service AND e.ts = d.ts AND e.event_id = d.event_id
            ORDER BY d.key, d.kind, d.service, d.name, d.sub
            """,
            "SELECT hex(path), until, size, mtime_ns, hex(checksum), events, '', '', '', '' FROM files ORDER BY path",
            "SELECT count(*), '', '', '', '', '', '', '', '', '' FROM event_details",
        ] {
            let s = try db.prepare(sql)
            // Details as text: each index compresses them with its own dictionary.
            let codec = DetailCodec(reading: db)
            while try s.step() {
                out.append(
                    (0..<10).map { $0 == 9 ? storedText(s, 9, codec) : s.text(Int32($0)) }.joined(separator: "|"))
            }
        }
        return out
    }

    func journalMode(_ path: String) throws -> String {
        let s = try Database(path: path, readOnly: true).prepare("PRAGMA journal_mode")
        _ = try s.step()
        return s.text(0)
    }

    /// One batch (a first build), one file a batch (the first placed, the rest in place), and two
    /// runs (the second into an index that holds rows) give the same index.
    @Test func aFirstBuildEqualsAnIngestInPlace() throws {
        let dir = TemporaryDirectory()
        let input = try archive(dir)
        try ingest(dir, [input], db: "one.sqlite")
        try ingest(dir, [input], db: "each.sqlite", batchFiles: 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: input).sorted()
        try ingest(dir, [input + "/" + files[0]], db: "two.sqlite")
        try ingest(dir, [input], db: "two.sqlite")
        let one = try everything(dir.file("one.sqlite"))
        #expect(!one.isEmpty)
        #expect(try everything(dir.file("each.sqlite")) == one)
        #expect(try everything(dir.file("two.sqlite")) == one)
        for name in ["one", "each", "two"] {
            // Nothing left beside the index, which is at rest in rollback mode.
            #expect(FileStatus(path: dir.file("\(name).sqlite-build")) == nil)
            #expect(FileStatus(path: dir.file("\(name).sqlite-wal")) == nil)
            #expect(try journalMode(dir.file("\(name).sqlite")) == "delete")
        }
    }

    /// One event delivered twice with different texts (other addresses), in one batch: its rows
    /// take either copy, and it is stored once, the greater text, as an ingest in place stores it.
    @Test func anEventDeliveredTwiceWithDifferentTextsIsStoredOnce() throws {
        let dir = TemporaryDirectory()
        let a = try dir.write("in/a.json", "[\(event(id: "E1", extra: "\"sourceIpAddress\":\"10.0.0.1\""))]")
        let b = try dir.write("in/b.json", "[\(event(id: "E1", extra: "\"sourceIpAddress\":\"10.0.0.2\""))]")
        try ingest(dir, [dir.file("in")], db: "one.sqlite")
        try ingest(dir, [a], db: "two.sqlite")
        try ingest(dir, [b], db: "two.sqlite")
        let one = try everything(dir.file("one.sqlite"))
        #expect(one.last == "1|||||||||", "one Detail for the event")
        #expect(try everything(dir.file("two.sqlite")) == one)
    }

    /// A killed build leaves its copy beside the empty index; the rerun discards it and builds
    /// the index whole.
    @Test func aKilledBuildsCopyIsDiscardedByTheRerun() throws {
        let dir = TemporaryDirectory()
        let input = try archive(dir)
        try ingest(dir, [input], db: "whole.sqlite")
        // What a kill during a build leaves: the empty index and a torn copy.
        _ = try IndexWriter(path: dir.file("k.sqlite"))
        try dir.write("k.sqlite-build", Array(repeating: 0x5A, count: 70_000))
        let report = try ingest(dir, [input], db: "k.sqlite")
        #expect(report.rejections.isEmpty)
        #expect(FileStatus(path: dir.file("k.sqlite-build")) == nil)
        #expect(try everything(dir.file("k.sqlite")) == everything(dir.file("whole.sqlite")))
    }

    /// An index that a reader holds in WAL mode, or reached through a symbolic link, is written in
    /// place: a rename would pair the new file with the old one's log, or replace the link.
    @Test func anIndexAReaderHoldsOrALinkIsWrittenInPlace() throws {
        let dir = TemporaryDirectory()
        let input = try archive(dir)
        try ingest(dir, [input], db: "whole.sqlite")
        let held = dir.file("held.sqlite")
        var writer: IndexWriter? = try IndexWriter(path: held)
        let reader = try IndexReader(path: held, followsIngests: true)
        #expect(try reader.keys().isEmpty)
        writer = nil
        #expect(writer == nil)
        #expect(FileStatus(path: held + "-wal") != nil, "the reader keeps the index in WAL mode")
        try ingest(dir, [input], db: "held.sqlite")
        #expect(try everything(held) == everything(dir.file("whole.sqlite")))
        // The reader that was open all along sees the ingest (it read the index itself).
        #expect(try reader.keys().count == 5)

        try FileManager.default.createSymbolicLink(atPath: dir.file("link.sqlite"), withDestinationPath: "real.sqlite")
        _ = try IndexWriter(path: dir.file("real.sqlite"))
        try ingest(dir, [input], db: "link.sqlite")
        let link = try FileManager.default.attributesOfItem(atPath: dir.file("link.sqlite"))
        #expect(link[.type] as? FileAttributeType == .typeSymbolicLink)
        #expect(try everything(dir.file("real.sqlite")) == everything(dir.file("whole.sqlite")))
    }

    /// A reader that follows ingests (`serve`) and opened the empty index answers from the build
    /// once it is in place, with the same paging key.
    @Test func aReaderThatFollowsIngestsSeesTheBuild() throws {
        let dir = TemporaryDirectory()
        let input = try archive(dir)
        let path = dir.file("index.sqlite")
        _ = try IndexWriter(path: path)
        let reader = try IndexReader(path: path, followsIngests: true)
        #expect(try reader.keys().isEmpty)
        let key = try reader.tokenKey()
        try ingest(dir, [input])
        #expect(FileStatus(path: path + "-wal") == nil, "the build was placed by rename")
        #expect(try reader.keys().count == 5)
        #expect(try reader.tokenKey() == key)
    }

    /// A run that commits nothing (no input) leaves the empty index as it was, and no copy.
    @Test func aRunThatCommitsNothingLeavesNoCopy() throws {
        let dir = TemporaryDirectory()
        try dir.write("in/blank.json", " \n")
        let report = try ingest(dir, [dir.file("in")])
        #expect(report.filesRejected == 1)
        #expect(FileStatus(path: dir.file("index.sqlite")) != nil)
        #expect(FileStatus(path: dir.file("index.sqlite-build")) == nil)
        #expect(try everything(dir.file("index.sqlite")) == ["0|||||||||"])
    }
}

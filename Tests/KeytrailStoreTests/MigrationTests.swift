import KeytrailScan
import TestSupport
import Testing

@testable import KeytrailStore

@Suite("Schema migrations")
struct MigrationTests {
    /// A v1 index (products with inline Details) upgrades in place: its products answer as before,
    /// and the manifest is forgotten so the next ingest reads the files again for the siblings.
    @Test func version1IndexesUpgradeKeepingTheirProducts() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("v1.sqlite")
        do {
            let db = try Database(path: path, create: true)
            try db.execute(IndexSchema.migrations[0])
            try db.execute("PRAGMA application_id = \(IndexSchema.applicationID)")
            try db.execute("PRAGMA user_version = 1")
            try db.execute(
                """
                INSERT INTO products VALUES('K', 'Ecs', 5, 'e1', 0, '{"a":1}'), ('K', 'Oss', 7, 'e2', 1, '{"b":2}');
                INSERT INTO files VALUES(x'2f61', 9223372036854775807, 1, 1, x'00', 2, 0);
                INSERT INTO meta VALUES('max_ts', 7);
                """)
        }
        #expect(throws: IndexError.olderSchema(path: path, version: 1)) {
            try IndexReader(path: path).products(key: "K")
        }
        let w = try IndexWriter(path: path)
        #expect(w.upgradedFrom == 1)
        #expect(try IndexWriter(path: path).upgradedFrom == nil)
        #expect(try w.checksums(until: IndexWriter.noUntil).isEmpty)
        let rows = try IndexReader(path: path).products(key: "K").sorted { $0.service < $1.service }
        #expect(rows.map(\.service) == ["Ecs", "Oss"])
        #expect(rows.map(\.timestamp) == [5, 7])
        #expect(rows.map { String(decoding: $0.detail, as: UTF8.self) } == ["{\"a\":1}", "{\"b\":2}"])
        #expect(rows.map(\.source) == [.management, .data])
        // The old table's name still answers SQL, as a view.
        let db = try Database(path: path, readOnly: true)
        #expect(try db.scalarInt("SELECT count(*) FROM products WHERE key = 'K'") == 2)
    }
}

@Suite("Detail codec")
struct DetailCodecTests {
    @Test func roundTripsAndRefusesCorruptBlobs() throws {
        let codec = DetailCodec()
        let text = Array(String(repeating: "{\"eventId\":\"E1\",\"serviceName\":\"Ecs\"}", count: 20).utf8)
        var out = [UInt8](repeating: 0, count: codec.bound(text.count))
        let n = try #require(text.withUnsafeBytes { t in out.withUnsafeMutableBytes { codec.encode(t, into: $0) } })
        #expect(n < text.count / 2)
        let blob = Array(out.prefix(n))
        #expect(blob.withUnsafeBytes { codec.decode($0) } == text)
        // A hostile length prefix is refused without allocating it.
        var huge = blob
        huge.replaceSubrange(0..<4, with: [0xF0, 0xFF, 0xFF, 0xFF])
        #expect(huge.withUnsafeBytes { codec.decode($0) } == nil)
        var truncated = blob
        truncated.removeLast(5)
        #expect(truncated.withUnsafeBytes { codec.decode($0) } == nil)
        #expect([UInt8]([1, 2]).withUnsafeBytes { codec.decode($0) } == nil)
        // Too short or incompressible text is stored as text.
        let short = Array("{}".utf8)
        #expect(short.withUnsafeBytes { t in out.withUnsafeMutableBytes { codec.encode(t, into: $0) } } == nil)
    }
}

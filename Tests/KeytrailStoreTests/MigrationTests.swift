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
    static let text = Array(String(repeating: "{\"eventId\":\"E1\",\"serviceName\":\"Ecs\"}", count: 20).utf8)

    static func encode(_ codec: DetailCodec, _ text: [UInt8]) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: codec.bound(text.count))
        guard let n = text.withUnsafeBytes({ t in out.withUnsafeMutableBytes { codec.encode(t, into: $0) } }) else {
            return nil
        }
        return Array(out.prefix(n))
    }

    @Test func roundTripsAndRefusesCorruptBlobs() throws {
        let codec = DetailCodec()
        let blob = try #require(Self.encode(codec, Self.text))
        #expect(blob.count < Self.text.count / 2)
        #expect(blob.withUnsafeBytes { codec.decode($0) } == Self.text)
        var truncated = blob
        truncated.removeLast(5)
        #expect(truncated.withUnsafeBytes { codec.decode($0) } == nil)
        #expect([UInt8]([1, 2]).withUnsafeBytes { codec.decode($0) } == nil)
        // Too short or incompressible text is stored as text.
        #expect(Self.encode(codec, Array("{}".utf8)) == nil)
    }

    /// Details stored before v3 (the length, then raw DEFLATE) still read; a hostile length is
    /// refused without allocating it.
    @Test func readsTheDeflateFormOfOlderIndexes() throws {
        let hex = "d0020000ab564a2d4bcd2bf14c51b252723554d2512a4e2d2acb4c4ef54bcc4d050925172bd5568faa190d9f21923600"
        var legacy: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            legacy.append(UInt8(hex[i..<j], radix: 16)!)
            i = j
        }
        let codec = DetailCodec()
        #expect(legacy.withUnsafeBytes { codec.decode($0) } == Self.text)
        var huge = legacy
        huge.replaceSubrange(0..<4, with: [0xF0, 0xFF, 0xFF, 0xFF])
        #expect(huge.withUnsafeBytes { codec.decode($0) } == nil)
    }

    /// A dictionary trained on events like these compresses one far better; its frames name it,
    /// and a codec that cannot find it refuses them rather than guess.
    @Test func dictionariesAreFoundByTheirId() throws {
        var rng = SeededRandom(seed: 7)
        let events = (0..<400).map { n in
            Array(
                """
                {"eventId":"\(rng.next())","eventName":"DescribeInstances","eventSource":"ecs.cn-hangzhou.aliyuncs.com",\
                "eventTime":"2026-10-\(10 + n % 20)T12:00:00Z","eventType":"ApiCall","eventVersion":"1",\
                "serviceName":"Ecs","sourceIpAddress":"10.0.\(rng.below(256)).\(rng.below(256))",\
                "userIdentity":{"accessKeyId":"LTAI5tKey\(rng.below(50))","accountId":"1234567890","type":"ram-user"}}
                """.utf8)
        }
        let samples = events.flatMap { $0 }
        let dictionary = try #require(
            samples.withUnsafeBytes { DetailDictionary.train($0, sizes: events.map(\.count)) })
        #expect(DetailDictionary(dictionary.bytes)?.id == dictionary.id)
        let plain = DetailCodec()
        let trained = DetailCodec()
        trained.dictionary = dictionary
        let event = events[17]
        let small = try #require(Self.encode(trained, event))
        let large = try #require(Self.encode(plain, event))
        #expect(small.count * 2 < large.count, "\(small.count) vs \(large.count)")
        // Found through the loader (as an index finds it in its dictionaries table).
        let reader = DetailCodec(dictionaries: { $0 == dictionary.id ? dictionary.bytes : nil })
        #expect(small.withUnsafeBytes { reader.decode($0) } == event)
        #expect(small.withUnsafeBytes { plain.decode($0) } == nil)
        // Too few samples: no dictionary (Details are then compressed without one).
        #expect(
            samples.withUnsafeBytes { DetailDictionary.train($0, sizes: Array(events.prefix(10).map(\.count))) } == nil)
    }
}

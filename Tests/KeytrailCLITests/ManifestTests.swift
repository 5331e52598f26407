import Foundation
import TestSupport
import Testing

/// `ingest --files-from` with logical names, and `keytrail manifest`, as a backfill driver uses
/// them: download to scratch paths, record `oss://…` names, skip what the index holds.
@Suite("Files-from and manifest")
struct ManifestTests {
    static func event(_ id: String, key: String = "LTAI5tManifestTestKey001") -> String {
        "{\"eventId\":\"\(id)\",\"serviceName\":\"Ecs\",\"userIdentity\":{\"accessKeyId\":\"\(key)\"},"
            + "\"eventTime\":\"2024-05-01T00:00:0\(id.count % 10)Z\"}\n"
    }

    func manifest(_ db: String) throws -> [[String: Any]] {
        let r = try Binary.run("keytrail", ["manifest", "--db", db])
        #expect(r.status == 0, "\(r.stderr)")
        return try r.stdout.split(separator: "\n").map { try json(String($0)) }
    }

    @Test func logicalNamesAreRecordedAndACopyUnderTheSameNameIsSkipped() throws {
        let dir = TemporaryDirectory()
        let a = try dir.write("scratch1/a.json", Self.event("A") + Self.event("AB"))
        try dir.write("scratch1/tree/x.json", Self.event("ABC"))
        try dir.write("scratch1/tree/y.json", Self.event("ABCD"))
        let plain = try dir.write("plain.json", Self.event("ABCDE"))
        let list =
            "\(a)\toss://bucket/AliyunLogs/a.json\r\n\n\(dir.file("scratch1/tree"))\toss://bucket/tree\n\(plain)\n"
        let listFile = try dir.write("list.txt", list)
        let db = dir.file("k.sqlite")
        let r = try Binary.run("keytrail", ["ingest", "--quiet", "--db", db, "--files-from", listFile])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try manifest(db)
        #expect(
            rows.compactMap { $0["name"] as? String } == [
                plain, "oss://bucket/AliyunLogs/a.json", "oss://bucket/tree/x.json", "oss://bucket/tree/y.json",
            ])
        #expect(rows.compactMap { $0["events"] as? Int } == [1, 2, 1, 1])
        for row in rows {
            #expect((row["checksum"] as? String)?.allSatisfy(\.isHexDigit) == true)
            #expect((row["size"] as? Int ?? 0) > 0 && row["mtime_ns"] is Int && row["ingested_at"] is String)
        }
        // The driver's rerun downloads the same object to another scratch path: nothing is read again.
        let b = try dir.write("scratch2/a.json", Self.event("A") + Self.event("AB"))
        let again = try Binary.run(
            "keytrail", ["ingest", "--json", "--db", db, "--files-from", "-"],
            stdin: Array("\(b)\toss://bucket/AliyunLogs/a.json\n".utf8))
        #expect(again.status == 0, "\(again.stderr)")
        let report = try json(again.stdout)
        #expect((report["events"] as? [String: Any])?["indexed"] as? Int == 0, "\(again.stdout)")
        // The same content under the same name keeps its count of events read.
        #expect(try manifest(db).compactMap { $0["events"] as? Int } == [1, 2, 1, 1])
        // CSV for spreadsheets, read back by Python's csv module.
        let csv = try Binary.run("keytrail", ["manifest", "--db", db, "--format", "csv"])
        let script = "import csv, sys; r = list(csv.reader(sys.stdin)); print(r[0]); print(len(r) - 1)"
        let parsed = try Binary.run("/usr/bin/env", ["python3", "-c", script], stdin: Array(csv.stdout.utf8))
        #expect(
            parsed.stdout
                == "['name', 'size', 'mtime', 'checksum', 'events', 'ingested_at', 'until']\n4\n", "\(parsed)")
        let table = try Binary.run("keytrail", ["manifest", "--db", db, "--format", "table", "--wide"])
        #expect(
            table.stdout.contains("oss://bucket/tree/y.json") && table.stdout.hasSuffix("5 event(s) read\n"), "\(table)"
        )
    }

    @Test func aBadListIsRefusedWithItsLineBeforeTheIndexExists() throws {
        let dir = TemporaryDirectory()
        let db = dir.file("k.sqlite")
        let good = try dir.write("a.json", Self.event("A"))
        let missing = try dir.write("missing.txt", "\(good)\n\n\(dir.file("gone.json"))\toss://b/gone.json\n")
        let r = try Binary.run("keytrail", ["ingest", "--db", db, "--files-from", missing])
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(missing):3: \(dir.file("gone.json")): no such file or directory"), "\(r.stderr)")
        let malformed = try dir.write("bad.txt", "\(good)\t\n")
        let m = try Binary.run("keytrail", ["ingest", "--db", db, "--files-from", malformed])
        #expect(m.status == 2 && m.stderr.contains("\(malformed):1: expected PATH or PATH<TAB>NAME"), "\(m.stderr)")
        let both = try Binary.run("keytrail", ["ingest", "--db", db, "--files-from", "-", "-"], stdin: [])
        #expect(both.status == 2 && both.stderr.contains("cannot also be an input"))
        #expect(!FileManager.default.fileExists(atPath: db))
    }
}

import Foundation
import KeytrailSynth
import TestSupport
import Testing

/// `keytrail status` through the real binary: empty, partial and full indexes, a running ingest.
@Suite("Status", .serialized)
struct StatusTests {
    func keytrail(_ args: [String]) throws -> RunResult { try Binary.run("keytrail", args) }

    /// `status --json` of `db`, parsed.
    func status(_ db: String) throws -> [String: Any] {
        let r = try keytrail(["status", "--json", "--db", db])
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    /// A generated archive of `files` gzip OSS files under `dir/in`.
    func archive(_ dir: TemporaryDirectory, files: Int) throws -> String {
        let factory = EventFactory(keyCount: 10, serviceCount: 6, detailBytes: 200, seed: 3)
        try SynthArchive.writeOSS(
            to: dir.file("in"), events: files * 50, factory: factory, perFile: 50, gzip: true,
            end: 1_790_000_000_000, spanDays: 30, seed: 3)
        return dir.file("in")
    }

    @Test func aMissingIndexIsNamedAndNotCreated() throws {
        let dir = TemporaryDirectory()
        let r = try keytrail(["status", "--db", dir.file("none.sqlite")])
        #expect(r.status == 2)
        #expect(r.stderr.contains("run `keytrail ingest"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("none.sqlite")))
        #expect(!FileManager.default.fileExists(atPath: dir.file("none.sqlite.lock")))
    }

    @Test func anEmptyIndexHasNothingAndNoIngest() throws {
        let dir = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("empty"), withIntermediateDirectories: true)
        let db = dir.file("k.sqlite")
        #expect(try keytrail(["ingest", "--quiet", "--db", db, dir.file("empty")]).status == 0)
        let s = try status(db)
        #expect(s["path"] as? String == db)
        #expect(s["schema_version"] as? Int == 3)
        #expect((s["size_bytes"] as? Int ?? 0) > 0)
        #expect(s["files"] as? Int == 0 && s["events"] as? Int == 0 && s["keys"] as? Int == 0)
        #expect(s["oldest_event"] is NSNull && s["newest_event"] is NSNull && s["last_ingest"] is NSNull)
        #expect(s["ingest_running"] as? Bool == false && s["products_only"] as? Bool == false)
        let table = try keytrail(["status", "--db", db])
        #expect(table.status == 0)
        #expect(table.stdout.contains("files: 0\n"))
        #expect(table.stdout.contains("last ingest: never\n"))
        #expect(table.stdout.contains("ingest running: no"))
    }

    @Test func aPartialThenAFullIndexCountWhatTheManifestHolds() throws {
        let dir = TemporaryDirectory()
        let input = try archive(dir, files: 6)
        let names = try FileManager.default.subpathsOfDirectory(atPath: input).filter { $0.hasSuffix(".gz") }.sorted()
        #expect(names.count == 6)
        let db = dir.file("k.sqlite")
        let before = Date().timeIntervalSince1970
        #expect(
            try keytrail(
                ["ingest", "--quiet", "--products-only", "--db", db] + names.prefix(2).map { input + "/" + $0 }
            ).status == 0)
        let partial = try status(db)
        #expect(partial["files"] as? Int == 2)
        #expect(partial["events"] as? Int == 100)
        #expect(partial["products_only"] as? Bool == true)
        let last = try #require(partial["last_ingest"] as? String)
        let at = try #require(ISO8601DateFormatter.withFractions.date(from: last)).timeIntervalSince1970
        #expect(at >= before - 1 && at <= Date().timeIntervalSince1970 + 1, "the last ingest is wall-clock time")
        #expect(try keytrail(["ingest", "--quiet", "--db", db, input]).status == 0)
        let full = try status(db)
        #expect(full["files"] as? Int == 6)
        #expect(full["events"] as? Int == 300)
        #expect((full["keys"] as? Int ?? 0) > 0)
        let oldest = try #require(full["oldest_event"] as? String)
        let newest = try #require(full["newest_event"] as? String)
        #expect(oldest <= newest)
        let table = try keytrail(["status", "--db", db])
        #expect(table.stdout.contains("settings: --products-only\n"))
        #expect(table.stdout.contains("events indexed: 300\n"))
        #expect(table.stdout.contains("newest event: "))
    }

    @Test func aPointInTimeIndexShowsItsUntil() throws {
        let dir = TemporaryDirectory()
        let input = try archive(dir, files: 2)
        let db = dir.file("k.sqlite")
        #expect(try keytrail(["ingest", "--quiet", "--until", "2026-09-01T00:00:00Z", "--db", db, input]).status == 0)
        #expect(try status(db)["until"] as? [String] == ["2026-09-01T00:00:00.000Z"])
        #expect(try keytrail(["status", "--db", db]).stdout.contains("--until 2026-09-01T00:00:00.000Z"))
    }

    @Test func aHeldLockIsAnIngestRunning() throws {
        let dir = TemporaryDirectory()
        let input = try archive(dir, files: 1)
        let db = dir.file("k.sqlite")
        #expect(try keytrail(["ingest", "--quiet", "--db", db, input]).status == 0)
        // Hold the ingest lock as a running ingest would.
        let fd = open(db + ".lock", O_RDWR | O_CREAT, 0o644)
        #expect(flock(fd, LOCK_EX) == 0)
        #expect(try status(db)["ingest_running"] as? Bool == true)
        #expect(try keytrail(["status", "--db", db]).stdout.contains("ingest running: yes"))
        close(fd)
        #expect(try status(db)["ingest_running"] as? Bool == false)
    }
}

extension ISO8601DateFormatter {
    /// RFC 3339 with milliseconds, as keytrail writes its times.
    static var withFractions: ISO8601DateFormatter {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }
}

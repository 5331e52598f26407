import Foundation
@preconcurrency import Glibc
import TestSupport
import Testing

@testable import KeytrailIngest
@testable import KeytrailStore

/// `keytrail merge`: shards of a trap archive, merged in any order and shape, answer exactly as
/// one ingest of everything; each refusal; a kill during a merge, then a rerun, is exact.
@Suite("Merge", .serialized)
struct MergeTests {
    /// Where `traps` is generated, removed when the test process exits (a static is never released).
    static let trapsDirectory: TemporaryDirectory = {
        let dir = TemporaryDirectory("keytrail-merge-traps")
        atexit { try? FileManager.default.removeItem(atPath: MergeTests.trapsDirectory.path) }
        return dir
    }()

    /// The conformance trap archive (every input shape, 34 keys), generated once per process.
    static let traps: String = {
        let dir = trapsDirectory.file("archive")
        if !FileManager.default.fileExists(atPath: dir) {
            let r = try? Binary.run(
                "/usr/bin/env",
                ["python3", Binary.packageRoot + "/Tests/conformance/make_archive.py", dir, "--seed", "5"])
            precondition(r?.status == 0, "make_archive.py failed: \(r?.stderr ?? "")")
        }
        return dir
    }()

    /// Every file of the trap archive, sorted.
    static var files: [String] {
        let e = FileManager.default.enumerator(atPath: traps)!
        var out: [String] = []
        while let p = e.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: traps + "/" + p, isDirectory: &isDir), !isDir.boolValue {
                out.append(traps + "/" + p)
            }
        }
        return out.sorted()
    }

    static func keytrail(_ args: [String]) throws -> RunResult { try Binary.run("keytrail", args) }

    /// The size of the file at `path` (0 when there is none).
    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    /// Ingests `files` into a new index `db` (an empty list gives an empty index).
    static func ingest(_ db: String, _ files: [String], extra: [String] = []) throws {
        let r: RunResult
        if files.isEmpty {
            let empty = db + ".empty"
            try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
            r = try keytrail(["ingest", "--quiet", "--db", db] + extra + [empty])
        } else {
            r = try Binary.run(
                "keytrail", ["ingest", "--quiet", "--db", db, "--files-from", "-"] + extra,
                stdin: Array(files.map { $0 + "\n" }.joined().utf8))
        }
        // The trap archive holds rejected inputs on purpose (exit 3).
        #expect(r.status == 0 || r.status == 3, "\(r.stderr)")
    }

    /// Every answer of the index that can differ between two builds of the same events: the rows
    /// with their Details, counts, provenance and the activity, and, through the binary, keys,
    /// products and info for every key, and the weekly timeline and every listing (all pages) of
    /// the first services of the first keys, each also with `--explain`.
    static func answers(_ db: String) throws -> [String] {
        var out = try dump(db)
        let mask = { (s: String) in
            s.replacingOccurrences(
                of: "[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}", with: "<UUID>",
                options: .regularExpression)
        }
        let keys = try keytrail(["keys", "--db", db, "--as-of", "latest", "--format", "ndjson"]).stdout
        out.append(keys)
        for (n, line) in keys.split(separator: "\n").enumerated() {
            let key = try #require(try json(String(line))["AccessKeyId"] as? String)
            let products = try keytrail(["products", key, "--db", db, "--as-of", "latest", "--format", "ndjson"]).stdout
            out.append(products)
            out.append(
                try keytrail(["products", key, "--db", db, "--as-of", "latest", "--format", "ndjson", "--explain"])
                    .stdout)
            out.append(mask(try keytrail(["info", key, "--db", db, "--as-of", "latest"]).stdout))
            out.append(mask(try keytrail(["info", key, "--db", db, "--as-of", "latest", "--explain"]).stdout))
            if n < 6 {
                out.append(try keytrail(["timeline", key, "--db", db, "--by", "week", "--format", "csv"]).stdout)
            }
            for p in products.split(separator: "\n").prefix(n < 6 ? 2 : 0) {
                let service = try #require(try json(String(p))["ServiceName"] as? String)
                for listing in ["events", "ips", "resources"] {
                    for explain in [[], ["--explain"]] {
                        out.append(
                            try keytrail(
                                [
                                    listing, key, "--service", service, "--all", "--db", db, "--as-of", "latest",
                                    "--format", "ndjson",
                                ] + explain
                            ).stdout)
                    }
                }
            }
        }
        return out
    }

    @Test func anySplitInAnyOrderAnswersAsOneIngest() throws {
        let dir = TemporaryDirectory()
        let files = Self.files
        #expect(files.count > 100)
        let whole = dir.file("whole.sqlite")
        try Self.ingest(whole, files)
        let expected = try Self.answers(whole)
        for k in 1...5 {
            // Round-robin bins, each also holding a file of the next bin (duplicates across shards).
            var shards: [String] = []
            for b in 0..<k {
                let mine = files.enumerated().filter { $0.offset % k == b }.map(\.element)
                let shard = dir.file("k\(k)-\(b).sqlite")
                try Self.ingest(shard, mine + [files[(b + 1) % files.count]])
                shards.append(shard)
            }
            let empty = dir.file("k\(k)-empty.sqlite")
            try Self.ingest(empty, [])
            let target = dir.file("k\(k).sqlite")
            let r = try Self.keytrail(["merge", "--into", target] + shards.reversed() + [empty])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.hasPrefix("merged \(k + 1) shard(s) into \(target): "))
            #expect(try Self.answers(target) == expected, "k = \(k)")
            if k == 3 {
                // Into an index that already holds something (merged in place, in WAL mode, shard by shard).
                let held = dir.file("held.sqlite")
                try Self.ingest(held, Array(files.prefix(30)))
                let r = try Self.keytrail(["merge", "--quiet", "--into", held] + shards)
                #expect(r.status == 0, "\(r.stderr)")
                #expect(try Self.answers(held) == expected)
            }
            if k == 4 {
                // A tree of merges, and a shard merged twice, give the same index.
                let left = dir.file("left.sqlite")
                let right = dir.file("right.sqlite")
                #expect(try Self.keytrail(["merge", "--quiet", "--into", left, shards[0], shards[2]]).status == 0)
                #expect(
                    try Self.keytrail(["merge", "--quiet", "--into", right, shards[3], shards[1], shards[3]]).status
                        == 0)
                let tree = dir.file("tree.sqlite")
                #expect(try Self.keytrail(["merge", "--quiet", "--into", tree, right, left, shards[2]]).status == 0)
                #expect(try Self.answers(tree) == expected)
                // The united manifest: ingesting the same inputs again reads nothing.
                let again = try Binary.run(
                    "keytrail", ["ingest", "--json", "--db", tree, "--files-from", "-"],
                    stdin: Array(files.map { $0 + "\n" }.joined().utf8))
                let events = try #require(try json(again.stdout)["events"] as? [String: Any])
                #expect(events["read"] as? Int == 0, "\(again.stdout)")
            }
        }
    }

    /// A first-build merge holds one key's events in memory, and past a bound a temporary
    /// database of its own: with a bound of 2, the events of every key that names two or more go
    /// through that database, and the merge is the same.
    @Test func eventsPastTheMemoryBoundMergeTheSame() throws {
        let dir = TemporaryDirectory()
        let files = Self.files
        var shards: [String] = []
        for b in 0..<3 {
            let shard = dir.file("s\(b).sqlite")
            try Self.ingest(
                shard, files.enumerated().filter { $0.offset % 3 == b || $0.offset % 7 == 0 }.map(\.element))
            shards.append(shard)
        }
        let whole = dir.file("whole.sqlite")
        #expect(try Self.keytrail(["merge", "--quiet", "--into", whole] + shards).status == 0)
        let bounded = dir.file("bounded.sqlite")
        let merger = try Merger(into: bounded, wait: true)
        merger.eventsInMemory = 2
        let report = try merger.run(shards: shards)
        #expect(report.total.won > 0)
        #expect(try dump(bounded) == dump(whole))
    }

    /// A shard whose rows name an event it holds no Detail of is damaged: the merge says which
    /// shard and which key, and builds nothing.
    @Test func aShardMissingADetailIsNamed() throws {
        let dir = TemporaryDirectory()
        let shard = dir.file("damaged.sqlite")
        try Self.ingest(shard, Array(Self.files.prefix(10)))
        let db = try Database(path: shard)
        let q = try db.prepare("SELECT key FROM event_details ORDER BY key, service, ts, event_id LIMIT 1")
        #expect(try q.step())
        let key = q.text(0)
        try db.execute(
            """
            DELETE FROM event_details WHERE (key, service, ts, event_id) IN
                (SELECT key, service, ts, event_id FROM event_details ORDER BY key, service, ts, event_id LIMIT 1)
            """)
        let target = dir.file("t.sqlite")
        let r = try Self.keytrail(["merge", "--into", target, shard])
        #expect(r.status == 2)
        #expect(
            r.stderr.contains("cannot merge: \(shard)'s rows name 1 event(s) of \(key) that no shard holds"),
            "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: target) || Self.size(target) < 256 << 10)
    }

    @Test func eachRefusalNamesTheShardAndMergesNothing() throws {
        let dir = TemporaryDirectory()
        let files = Array(Self.files.prefix(20))
        let full = dir.file("full.sqlite")
        try Self.ingest(full, files)
        let productsOnly = dir.file("p.sqlite")
        try Self.ingest(productsOnly, files, extra: ["--products-only"])
        let until = dir.file("u.sqlite")
        try Self.ingest(until, files, extra: ["--until", "2030-01-01"])
        let foreign = try dir.write("foreign.sqlite", "SQLite format 3\u{0}not really")
        // An index of schema version 1 (an earlier keytrail's).
        let old = dir.file("v1.sqlite")
        do {
            let db = try Database(path: old, create: true)
            try db.execute(IndexSchema.migrations[0])
            try db.execute("PRAGMA application_id = \(IndexSchema.applicationID)")
            try db.execute("PRAGMA user_version = 1")
        }
        let target = dir.file("t.sqlite")
        try Self.ingest(target, Array(Self.files.suffix(5)))
        let before = try dump(target)
        let cases: [([String], String)] = [
            ([full, target], "cannot merge \(target): it is the target index itself"),
            ([full, productsOnly], "cannot merge \(productsOnly): it was built with --products-only"),
            (
                [until],
                "cannot merge \(until): it was built with --until 2030-01-01T00:00:00.000Z, and \(target) with no --until"
            ),
            ([foreign], "cannot merge \(foreign): "),
            (
                [full, old],
                "cannot merge \(old): \(old) is an index of schema version 1"
            ),
            ([dir.file("nope.sqlite")], "\(dir.file("nope.sqlite")): no such file or directory"),
        ]
        for (shards, message) in cases {
            let r = try Self.keytrail(["merge", "--into", target] + shards)
            #expect(r.status == 2 && r.stderr.contains(message), "\(shards): \(r.stderr)")
            // All shards are checked before the first write: the good one was not merged either.
            #expect(try dump(target) == before)
        }
        // A new target takes the first shard's settings.
        let fresh = dir.file("fresh.sqlite")
        #expect(try Self.keytrail(["merge", "--into", fresh, productsOnly]).status == 0)
        let status = try json(try Self.keytrail(["status", "--db", fresh, "--json"]).stdout)
        #expect(status["products_only"] as? Bool == true)
    }

    @Test func aKilledMergeRerunIsExact() throws {
        let dir = TemporaryDirectory()
        let files = Self.files
        var shards: [String] = []
        for b in 0..<6 {
            let shard = dir.file("s\(b).sqlite")
            try Self.ingest(shard, files.enumerated().filter { $0.offset % 6 == b }.map(\.element))
            shards.append(shard)
        }
        let whole = dir.file("whole.sqlite")
        #expect(try Self.keytrail(["merge", "--quiet", "--into", whole] + shards).status == 0)
        let expected = try dump(whole)
        // SIGKILL at moments the test observes, never after a guessed delay: once the merge holds
        // the ingest lock; once its first-build copy exists; once rows are going into the copy;
        // and, into a target that holds rows (merged in place), once its first shard is committed.
        // Whatever the merge had done, the rerun must finish it exactly.
        let moments: [(String, Bool, (Int32, String) throws -> Bool)] = [
            ("holds the lock", false, { pid, _ in Poll.flock(of: pid, waiting: false) }),
            ("made its copy", false, { _, t in FileManager.default.fileExists(atPath: t + "-build") }),
            ("fills its copy", false, { _, t in Self.size(t + "-build") > 256 << 10 }),
            (
                "committed a shard in place", true,
                { _, t in ((try? Database(path: t, readOnly: true).scalarInt("SELECT count(*) FROM files")) ?? 0) > 20 }
            ),
        ]
        for (i, (moment, inPlace, reached)) in moments.enumerated() {
            let target = dir.file("killed\(i).sqlite")
            if inPlace { try Self.ingest(target, Array(files.prefix(20))) }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Binary.path("keytrail"))
            p.arguments = ["merge", "--quiet", "--into", target] + shards
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            let seen = try Poll.until { try reached(p.processIdentifier, target) || !p.isRunning }
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            #expect(seen, "\(moment): neither seen nor finished")
            let rerun = try Self.keytrail(["merge", "--quiet", "--into", target] + shards)
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(try dump(target) == expected, "killed once it \(moment)")
        }
    }
}

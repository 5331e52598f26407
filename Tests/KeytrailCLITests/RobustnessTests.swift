import Foundation
import KeytrailSynth
import TestSupport
import Testing

@testable import KeytrailStore

/// Hostile input, killed runs, concurrent runs and broken index files, through the real binary.
@Suite("Robustness", .serialized)
struct RobustnessTests {
    static let event =
        "{\"eventId\":\"A\",\"serviceName\":\"Ecs\",\"userIdentity\":{\"accessKeyId\":\"K\"},\"eventTime\":\"2024-05-01T00:00:00Z\"}"

    func keytrail(_ args: [String], stdin: [UInt8]? = nil) throws -> RunResult {
        try Binary.run("keytrail", args, stdin: stdin)
    }

    /// A generated archive of `files` gzip OSS files.
    func archive(_ dir: TemporaryDirectory, files: Int = 24, perFile: Int = 150) throws -> String {
        let factory = EventFactory(keyCount: 40, serviceCount: 12, detailBytes: 600, seed: 5)
        try SynthArchive.writeOSS(
            to: dir.file("in"), events: files * perFile, factory: factory, perFile: perFile, gzip: true,
            end: 1_790_000_000_000, spanDays: 30, seed: 5)
        return dir.file("in")
    }

    @Test func hostileFilesAreRejectedWithPositionsAndOthersGoOn() throws {
        let dir = TemporaryDirectory()
        try dir.write("in/nuls.json", [UInt8](repeating: 0, count: 1 << 20))
        try dir.write("in/deep.json", Array(repeating: UInt8(ascii: "["), count: 100_000))
        try dir.write("in/empty.gz", GzipWriter.compress([]))
        try dir.write("in/notgzip.gz", [0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02])
        let big =
            "{\"eventId\":\"B\",\"serviceName\":\"Oss\",\"userIdentity\":{\"accessKeyId\":\"K\"},"
            + "\"eventTime\":\"2024-05-02T00:00:00Z\",\"payload\":\"\(String(repeating: "x", count: 10 << 20))\"}"
        try dir.write("in/big-string.json", big)
        try dir.write("in/good.json", Self.event)
        // A symbolic link back to an ancestor, and a FIFO met in a walk: rejected, never followed or opened.
        try FileManager.default.createSymbolicLink(atPath: dir.file("in/loop"), withDestinationPath: dir.file("in"))
        #expect(mkfifo(dir.file("in/pipe"), 0o600) == 0)
        // A file that cannot be opened (a dangling link: permissions do not stop root).
        try FileManager.default.createSymbolicLink(
            atPath: dir.file("in/gone.json"), withDestinationPath: dir.file("nowhere"))
        // A name that is not UTF-8.
        let raw: [UInt8] = Array(dir.file("in/").utf8) + [0x66, 0xFF, 0x2E, 0x6A] + [0]
        let fd = raw.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) }
        }
        #expect(fd >= 0)
        _ = Self.event.replacingOccurrences(of: "\"A\"", with: "\"C\"").replacingOccurrences(of: "Ecs", with: "Ram")
            .withCString { write(fd, $0, strlen($0)) }
        close(fd)

        let r = try keytrail(["ingest", "--json", "--db", dir.file("k.sqlite"), dir.file("in")])
        #expect(r.status == 3, "\(r.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let rejections = try #require(report["rejections"] as? [[String: Any]])
        let byFile = Dictionary(grouping: rejections) {
            ($0["path"] as? String ?? "").split(separator: "/").last.map(String.init) ?? ""
        }
        #expect(byFile["nuls.json"]?.first?["kind"] as? String == "binary")
        #expect(byFile["nuls.json"]?.count == 1)
        #expect((byFile["deep.json"]?.first?["message"] as? String)?.contains("nesting deeper") == true)
        #expect(byFile["empty.gz"]?.first?["kind"] as? String == "empty")
        #expect(byFile["notgzip.gz"]?.first?["kind"] as? String == "gzip")
        #expect((byFile["loop"]?.first?["message"] as? String)?.contains("loop") == true)
        #expect(byFile["pipe"]?.first?["kind"] as? String == "io")
        #expect(byFile["gone.json"]?.first?["kind"] as? String == "io")
        // Everything valid was indexed, the non-UTF-8 name included.
        let rows = try dump(dir.file("k.sqlite"))
        let products = rows.map { $0.split(separator: "|", omittingEmptySubsequences: false) }.filter { $0[1] == "0" }
        #expect(products.map { $0[2] } == ["Ecs", "Oss", "Ram"])
    }

    @Test func killedIngestsFinishWithTheSameAnswers() throws {
        let dir = TemporaryDirectory()
        let input = try archive(dir)
        let reference = dir.file("ref.sqlite")
        #expect(try keytrail(["ingest", "--quiet", "--db", reference, "--batch-files", "2", input]).status == 0)
        let want = try dump(reference)
        #expect(want.count > 100)
        for delayMs in [0, 1, 2, 3, 4, 5, 7, 10, 20, 40, 80, 160] {
            let db = dir.file("kill-\(delayMs).sqlite")
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Binary.path("keytrail"))
            p.arguments = ["ingest", "--quiet", "--db", db, "--batch-files", "2", "--jobs", "2", input]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            // Not a wait for an event: the kill lands wherever the load puts it, and every landing
            // must leave an index that answers and a rerun that finishes with the same answers.
            usleep(useconds_t(delayMs * 1000))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            // The index opens and answers (unless the kill came before it existed).
            if FileManager.default.fileExists(atPath: db) {
                let q = try keytrail(["products", "K", "--db", db, "--as-of", "latest"])
                #expect(q.status == 0 || q.stderr.contains("no index"), "delay \(delayMs): \(q.stderr)")
            }
            let rerun = try keytrail(["ingest", "--quiet", "--db", db, "--batch-files", "2", input])
            #expect(rerun.status == 0, "delay \(delayMs): \(rerun.stderr)")
            #expect(try dump(db) == want, "delay \(delayMs)")
        }
    }

    @Test func aSecondIngestFailsFastOrWaits() throws {
        let dir = TemporaryDirectory()
        let db = dir.file("k.sqlite")
        try dir.write("in/a.json", Self.event)
        // Hold the ingest lock as another ingest would.
        let fd = open(db + ".lock", O_RDWR | O_CREAT, 0o644)
        #expect(flock(fd, LOCK_EX) == 0)
        let busy = try keytrail(["ingest", "--db", db, dir.file("in")])
        #expect(busy.status == 2)
        #expect(busy.stderr.contains("another keytrail ingest"))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binary.path("keytrail"))
        p.arguments = ["ingest", "--quiet", "--wait", "--db", db, dir.file("in")]
        try p.run()
        // Observable, not timed: the kernel lists the waiting ingest's blocked flock.
        let blocked = Poll.until { Poll.flock(of: p.processIdentifier, waiting: true) || !p.isRunning }
        #expect(
            blocked && Poll.flock(of: p.processIdentifier, waiting: true), "the waiting ingest should block on the lock"
        )
        #expect(p.isRunning)
        close(fd)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(try dump(db).filter { !$0.hasPrefix("activity|") }.count == 1)
    }

    @Test func queriesAnswerWhileAnIngestRuns() throws {
        let dir = TemporaryDirectory()
        let input = try archive(dir, files: 40, perFile: 200)
        let db = dir.file("k.sqlite")
        try dir.write("seed.json", Self.event)
        #expect(try keytrail(["ingest", "--quiet", "--db", db, dir.file("seed.json")]).status == 0)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binary.path("keytrail"))
        p.arguments = ["ingest", "--quiet", "--db", db, "--batch-files", "1", "--jobs", "1", input]
        try p.run()
        var answered = 0
        let keys = EventFactory(keyCount: 40, serviceCount: 12, detailBytes: 600, seed: 5).keys
        while p.isRunning || answered < 5 {
            let q = try keytrail([
                "products", keys[answered % keys.count], "--db", db, "--as-of", "2100-01-01T00:00:00Z",
            ])
            #expect(q.status == 0, "\(q.stderr)")
            #expect(!q.stderr.contains("locked") && !q.stderr.contains("busy"))
            #expect((try? JSONSerialization.jsonObject(with: Data(q.stdout.utf8))) != nil)
            answered += 1
        }
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }

    @Test func brokenIndexFilesGetClearErrors() throws {
        let dir = TemporaryDirectory()
        try dir.write("in/a.json", Self.event)
        // Not a SQLite database at all, and a SQLite database that is not a keytrail index.
        try dir.write("text.sqlite", "hello, world\n")
        let other = dir.file("other.sqlite")
        do {
            let d = try Database(path: other, create: true)
            try d.execute("CREATE TABLE t(x)")
        }
        for db in [dir.file("text.sqlite"), other] {
            let i = try keytrail(["ingest", "--db", db, dir.file("in")])
            #expect(i.status == 2)
            #expect(i.stderr.hasPrefix("keytrail: error:"))
            let q = try keytrail(["products", "K", "--db", db])
            #expect(q.status == 2 && q.stdout.isEmpty)
        }
        #expect(try keytrail(["products", "K", "--db", other]).stderr.contains("not a keytrail index"))
        // A newer schema.
        let newer = dir.file("newer.sqlite")
        #expect(try keytrail(["ingest", "--quiet", "--db", newer, dir.file("in")]).status == 0)
        do {
            let d = try Database(path: newer)
            try d.execute("PRAGMA user_version = 99")
        }
        let n = try keytrail(["products", "K", "--db", newer])
        #expect(n.status == 2 && n.stderr.contains("newer"))
        // A directory where the index should be, and a missing directory.
        #expect(try keytrail(["products", "K", "--db", dir.path]).status == 2)
        let missing = try keytrail(["ingest", "--db", dir.file("no/such/dir/k.sqlite"), dir.file("in")])
        #expect(missing.status == 2 && missing.stderr.contains("does not exist"))
    }

    @Test func aFullDiskFailsCleanlyAndTheRerunFinishes() throws {
        let dir = TemporaryDirectory()
        let input = try archive(dir)
        let reference = dir.file("ref.sqlite")
        #expect(try keytrail(["ingest", "--quiet", "--db", reference, input]).status == 0)
        let db = dir.file("k.sqlite")
        // ulimit -f (1 KiB blocks): writes past 600 KiB fail with EFBIG, as on a full disk.
        let limited = try Binary.run(
            "/bin/sh",
            ["-c", "ulimit -f 600; exec '\(Binary.path("keytrail"))' ingest --db '\(db)' --batch-files 4 '\(input)'"])
        #expect(limited.status == 2, "\(limited.stderr)")
        #expect(limited.stderr.contains("keytrail: error: cannot write"))
        #expect(!limited.stdout.contains("0 rejected"))
        let rerun = try keytrail(["ingest", "--quiet", "--db", db, input])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try dump(db) == dump(reference))
    }
}

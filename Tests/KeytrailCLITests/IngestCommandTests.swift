import Foundation
import KeytrailSynth
import TestSupport
import Testing

@testable import KeytrailStore

/// `keytrail ingest` as a person meets it, through the real binary: missing paths, Ctrl-C and
/// SIGTERM, and the next command named by the summary.
@Suite("Ingest command", .serialized)
struct IngestCommandTests {
    static let event =
        "{\"eventId\":\"A\",\"serviceName\":\"Ecs\",\"userIdentity\":{\"accessKeyId\":\"K\"},\"eventTime\":\"2024-05-01T00:00:00Z\"}"

    func keytrail(_ args: [String], directory: String? = nil, environment: [String: String] = [:]) throws
        -> RunResult
    {
        try Binary.run("keytrail", args, directory: directory, environment: environment)
    }

    /// A generated archive of `files` gzip OSS files under `dir/in`.
    func archive(_ dir: TemporaryDirectory, files: Int, perFile: Int = 60) throws -> String {
        let factory = EventFactory(keyCount: 20, serviceCount: 8, detailBytes: 300, seed: 9)
        try SynthArchive.writeOSS(
            to: dir.file("in"), events: files * perFile, factory: factory, perFile: perFile, gzip: true,
            end: 1_790_000_000_000, spanDays: 30, seed: 9)
        return dir.file("in")
    }

    /// The files in the manifest, as `status --json` says.
    func manifestFiles(_ db: String) throws -> Int {
        let r = try keytrail(["status", "--json", "--db", db])
        guard r.status == 0, let o = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        else { return 0 }
        return o["files"] as? Int ?? 0
    }

    @Test func missingPathsAreNamedAndNoIndexIsCreated() throws {
        let dir = TemporaryDirectory()
        try dir.write("in/a.json", Self.event)
        let db = dir.file("k.sqlite")
        let r = try keytrail(["ingest", "--db", db, dir.file("nope"), dir.file("in"), dir.file("in/a.json/x")])
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(dir.file("nope")): no such file or directory"))
        #expect(r.stderr.contains("\(dir.file("in/a.json/x")): no such file or directory"))
        #expect(r.stderr.contains("2 input paths are missing; nothing was ingested"))
        #expect(r.stdout.isEmpty)
        for suffix in ["", ".lock", "-wal", "-journal"] {
            #expect(!FileManager.default.fileExists(atPath: db + suffix), "\(db + suffix) should not exist")
        }
        // Without the missing paths, the same run ingests.
        #expect(try keytrail(["ingest", "--quiet", "--db", db, dir.file("in")]).status == 0)
    }

    @Test func theSummaryNamesTheNextCommand() throws {
        let dir = TemporaryDirectory()
        try dir.write("in/a.json", Self.event)
        let withDb = try keytrail(["ingest", "--db", dir.file("my index.sqlite"), dir.file("in")])
        #expect(withDb.status == 0)
        #expect(withDb.stdout.hasSuffix("\nnext: keytrail keys --as-of latest --db '\(dir.file("my index.sqlite"))'\n"))
        // The default index (or $KEYTRAIL_DB's) needs no --db.
        let bare = try keytrail(["ingest", dir.file("in")], directory: dir.path)
        #expect(bare.stdout.hasSuffix("\nnext: keytrail keys --as-of latest\n"), "\(bare.stdout)")
        let env = try keytrail(
            ["ingest", "--db", dir.file("e.sqlite"), dir.file("in")], environment: ["KEYTRAIL_DB": dir.file("e.sqlite")]
        )
        #expect(env.stdout.hasSuffix("\nnext: keytrail keys --as-of latest\n"), "\(env.stdout)")
        // Not in --json, and nothing with --quiet.
        let json = try keytrail(["ingest", "--json", "--db", dir.file("j.sqlite"), dir.file("in")])
        #expect(!json.stdout.contains("next:"))
        #expect(try keytrail(["ingest", "--quiet", "--db", dir.file("q.sqlite"), dir.file("in")]).stdout.isEmpty)
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalStopsKeepsTheCommittedAndARerunFinishes(signal: Int32) throws {
        let dir = TemporaryDirectory()
        let files = 300
        let input = try archive(dir, files: files)
        let db = dir.file("k.sqlite")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binary.path("keytrail"))
        p.arguments = ["ingest", "--db", db, "--batch-files", "1", "--jobs", "1", input]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = Pipe()
        try p.run()
        // Observable, not timed: a batch is committed when the manifest holds a file.
        let deadline = Date().addingTimeInterval(120)
        while p.isRunning && Date() < deadline, try manifestFiles(db) == 0 {}
        #expect(p.isRunning, "the ingest should still be running after its first commit")
        kill(p.processIdentifier, signal)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 130, "\(stderr)")
        let committed = try manifestFiles(db)
        #expect(committed >= 1 && committed < files)
        #expect(
            stderr.contains(
                "interrupted: \(committed) files committed, \(files - committed) left; rerun the same command to finish"
            ), "\(stderr)")
        // The rerun reads only what was left, and answers as an uninterrupted ingest does.
        let rerun = try keytrail(["ingest", "--db", db, "--batch-files", "1", "--jobs", "1", input])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.hasPrefix("files: \(files) seen, \(files - committed) ingested, \(committed) unchanged"))
        let whole = dir.file("whole.sqlite")
        #expect(try keytrail(["ingest", "--quiet", "--db", whole, input]).status == 0)
        #expect(try dump(db) == dump(whole))
        let answers = try keytrail(["keys", "--format", "json", "--as-of", "latest", "--db", db])
        #expect(
            answers.stdout == (try keytrail(["keys", "--format", "json", "--as-of", "latest", "--db", whole])).stdout)
    }
}

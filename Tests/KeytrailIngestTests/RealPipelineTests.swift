import Foundation
import KeytrailExtract
import KeytrailIngest
import TestSupport
import Testing

/// Input as real pipelines deliver it, through the real `keytrail` binary: `zcat *.gz | keytrail
/// ingest -`, a directory of junk, SLS GetLogs exports and shipper-wrapped JSON lines.
@Suite("Real pipelines through the binary")
struct RealPipelineTests {
    static var samples: String { Binary.packageRoot + "/sample-logs" }
    static var realShapes: String { Binary.packageRoot + "/Tests/conformance/real-shapes" }

    /// Every `.gz` OSS delivery of the samples, sorted.
    static func deliveries() throws -> [String] {
        let root = samples + "/oss"
        let all = try #require(FileManager.default.subpathsOfDirectory(atPath: root) as [String]?)
        return all.filter { $0.hasSuffix(".gz") }.sorted().map { root + "/" + $0 }
    }

    /// Runs `pipeline` in sh; `$KEYTRAIL` is the binary.
    func sh(_ pipeline: String) throws -> RunResult {
        try Binary.run("/bin/sh", ["-c", pipeline], environment: ["KEYTRAIL": Binary.path("keytrail")])
    }

    @Test func zcatOfDeliveriesThroughStandardInputAnswersAsTheFilesOneByOne() throws {
        let dir = TemporaryDirectory()
        let files = try Self.deliveries()
        #expect(files.count >= 2)
        let one = try Binary.run("keytrail", ["ingest", "--db", dir.file("one.sqlite")] + files)
        #expect(one.status == 0, "\(one.stderr)")
        let quoted = files.map { "'\($0)'" }.joined(separator: " ")
        // zcat gives `…][…` on one line; cat gives one multi-member gzip stream.
        let zcat = try sh("zcat \(quoted) | \"$KEYTRAIL\" ingest --db '\(dir.file("zcat.sqlite"))' -")
        #expect(zcat.status == 0, "\(zcat.stderr)")
        let cat = try sh("cat \(quoted) | \"$KEYTRAIL\" ingest --db '\(dir.file("cat.sqlite"))' -")
        #expect(cat.status == 0, "\(cat.stderr)")
        let reference = try rows(dir.file("one.sqlite"))
        #expect(!reference.isEmpty)
        #expect(try rows(dir.file("zcat.sqlite")) == reference)
        #expect(try rows(dir.file("cat.sqlite")) == reference)
        let keys = try Binary.run("keytrail", ["keys", "--format", "csv", "--db", dir.file("one.sqlite")])
        #expect(
            try Binary.run("keytrail", ["keys", "--format", "csv", "--db", dir.file("zcat.sqlite")]).stdout
                == keys.stdout)
    }

    @Test func aDirectoryOfJunkIsOneRejectionLineEachAndNothingIsDone() throws {
        let dir = TemporaryDirectory()
        try dir.write("junk/archive.zip", ForeignInputTests.zip)
        try dir.write("junk/screenshot.png", ForeignInputTests.png)
        try dir.write("junk/notepad.json", ForeignInputTests.utf16LE(ForeignInputTests.line, bom: true))
        try dir.write("junk/export.csv", "eventTime,eventId\n2024-05-01T00:00:00Z,E1\n2024-05-01T00:00:01Z,E2\n")
        try dir.write(
            "junk/CloudTrail/123456789012_CloudTrail_us-east-1_20240501T0000Z_abc.json",
            "{\"Records\":[{\"eventVersion\":\"1.08\",\"eventTime\":\"2024-05-01T00:00:00Z\",\"eventID\":\"x\"}]}")
        try dir.write("junk/blob.bin", ForeignInputTests.blob)
        for _ in 0..<2 {
            let r = try Binary.run("keytrail", ["ingest", "--db", dir.file("k.sqlite"), dir.file("junk")])
            #expect(r.status == 3)
            let lines = r.stderr.split(separator: "\n").filter { $0.contains(": error: ") }
            #expect(lines.count == 6, "\(r.stderr)")
            for name in ["archive.zip", "screenshot.png", "notepad.json", "export.csv", "abc.json", "blob.bin"] {
                #expect(lines.filter { $0.contains(name) }.count == 1, "\(name): \(r.stderr)")
            }
            #expect(r.stderr.contains("archive.zip: error: looks like a ZIP archive: unpack it first"))
            #expect(r.stderr.contains("notepad.json: error: looks like UTF-16 text: convert it to UTF-8"))
            #expect(r.stderr.contains("abc.json: error: not ActionTrail: 1 JSON value"))
            #expect(r.stderr.contains("export.csv:1:1: error: not JSON"))
            #expect(r.stdout.contains("6 rejected"), "\(r.stdout)")
        }
        let j = try Binary.run("keytrail", ["ingest", "--json", "--db", dir.file("j.sqlite"), dir.file("junk")])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        let kinds = try #require(report["rejections"] as? [[String: Any]]).compactMap { $0["kind"] as? String }
        #expect(kinds.sorted() == ["binary", "binary", "binary", "binary", "json", "not_actiontrail"])
    }

    @Test func stderrShowsTenRejectionsAFileThenTheirCountAndJsonListsThemAll() throws {
        let dir = TemporaryDirectory()
        let good = event(key: "K1")
        try dir.write("in/bad.jsonl", ([good] + (0..<25).map { "{\"eventId\":\($0)x}" }).joined(separator: "\n") + "\n")
        try dir.write("in/two.jsonl", "\(good)\n{x\n{y\n")
        let r = try Binary.run("keytrail", ["ingest", "--db", dir.file("k.sqlite"), dir.file("in")])
        #expect(r.status == 3)
        let bad = r.stderr.split(separator: "\n").filter { $0.contains("bad.jsonl") }
        #expect(bad.count == 11, "\(r.stderr)")
        #expect(
            bad.last?.hasSuffix(
                "bad.jsonl: error: 15 more rejections in this file, not shown (--json lists up to 1000 a file)")
                == true)
        #expect(r.stderr.split(separator: "\n").filter { $0.contains("two.jsonl") }.count == 2)
        let j = try Binary.run("keytrail", ["ingest", "--json", "--db", dir.file("j.sqlite"), dir.file("in")])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        let listed = try #require(report["rejections"] as? [[String: Any]])
        #expect(listed.count == 27)
    }

    @Test(arguments: ["sls-getlogs-response.json", "shipper-message.jsonl"])
    func realShapedExportsAnswerTheirSTSKeys(_ name: String) throws {
        let dir = TemporaryDirectory()
        let r = try Binary.run(
            "keytrail", ["ingest", "--json", "--db", dir.file("k.sqlite"), Self.realShapes + "/" + name])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let events = try #require(report["events"] as? [String: Any])
        #expect(events["indexed"] as? Int == 3, "\(r.stdout)")
        let skipped = try #require(events["skipped_by_reason"] as? [String: Any])
        #expect(skipped["no_access_key"] as? Int == 1)
        #expect((skipped["not_an_event"] as? Int ?? 0) == 0)
        for (key, services) in [
            ("STS.NUXDMNyWEZtFB8cAK2Lsp7ehA", ["Oss", "Ecs"]), ("STS.NTrh3qkRi3f9ZSu8GiW5CeK9d", ["Ram"]),
        ] {
            let p = try Binary.run(
                "keytrail", ["products", key, "--db", dir.file("k.sqlite"), "--as-of", "2026-11-01T00:00:00Z"])
            #expect(p.status == 0, "\(p.stderr)")
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(p.stdout.utf8)) as? [String: Any])
            let products = try #require(answer["Products"] as? [[String: Any]])
            #expect(products.compactMap { $0["ServiceName"] as? String } == services)
            let detail = try #require(products.first?["Detail"] as? String)
            #expect(detail.hasPrefix("{\"eventId\":"))
        }
        // The same file through standard input (streamed in windows) answers the same.
        let piped = try Binary.run(
            "keytrail", ["ingest", "--db", dir.file("stdin.sqlite"), "-"],
            stdin: Array(try Data(contentsOf: URL(fileURLWithPath: Self.realShapes + "/" + name))))
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(try rows(dir.file("stdin.sqlite")) == rows(dir.file("k.sqlite")))
        let ips = try Binary.run(
            "keytrail",
            [
                "ips", "STS.NTrh3qkRi3f9ZSu8GiW5CeK9d", "--service", "Ram", "--db", dir.file("k.sqlite"), "--as-of",
                "2026-11-01T00:00:00Z",
            ])
        #expect(ips.stdout.contains("resourcemanager.aliyuncs.com"), "\(ips.stdout) \(ips.stderr)")
    }
}

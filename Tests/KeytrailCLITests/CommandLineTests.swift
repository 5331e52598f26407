import Foundation
import KeytrailSynth
import TestSupport
import Testing

/// The real `keytrail` binary on the committed sample-logs and on generated archives.
@Suite("Command line")
struct CommandLineTests {
    static let sampleKey = "LTAI5tv6QCVFimUPfpBMBSH6"
    var samples: String { SampleLogs.path }

    func ingestSamples(_ dir: TemporaryDirectory) throws -> String { try SampleLogs.index(dir) }

    @Test func mainJobOnSampleLogs() throws {
        let dir = TemporaryDirectory()
        let db = dir.file("k.sqlite")
        let ingest = try Binary.run("keytrail", ["ingest", "--db", db, samples])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(ingest.stdout.contains("files: 9 seen, 9 ingested, 0 unchanged, 0 rejected"))
        #expect(ingest.stdout.contains("events: 400 read"))
        let r = try Binary.run("keytrail", ["products", Self.sampleKey, "--db", db, "--as-of", "latest"])
        #expect(r.status == 0, "\(r.stderr)")
        let body = try json(r.stdout)
        let products = try #require(body["Products"] as? [[String: Any]])
        let names = products.compactMap { $0["ServiceName"] as? String }
        // The newest event of the archive, and the 400-day edge: Kms inside, Ims one millisecond outside.
        #expect(names.first == "Ecs")
        #expect(names.contains("Kms") && !names.contains("Ims"))
        #expect(products.first?["UsedTimestamp"] as? Int64 == 1_793_491_200_000)
        let times = products.compactMap { $0["UsedTimestamp"] as? Int64 }
        #expect(times == times.sorted(by: >))
        #expect((body["RequestId"] as? String)?.count == 36)
        // Re-running the ingest reads nothing.
        let again = try Binary.run("keytrail", ["ingest", "--db", db, samples])
        #expect(again.stdout.contains("9 unchanged"))
    }

    @Test func answersEqualAReferenceModelForEveryKey() throws {
        let dir = TemporaryDirectory()
        let factory = EventFactory(keyCount: 6, serviceCount: 10, detailBytes: 500, seed: 99)
        let records = try SynthArchive.writeMixed(
            to: dir.file("in"), events: 300, factory: factory, end: 1_790_000_000_000, seed: 99)
        let model = ReferenceModel(records)
        let db = dir.file("k.sqlite")
        #expect(try Binary.run("keytrail", ["ingest", "--db", db, dir.file("in")]).status == 0)
        let keys = factory.keys + ["LTAI5tNEVERSEEN"]
        try dir.write("keys.txt", keys.joined(separator: "\n") + "\n")
        let asOf = model.newest
        let batch = try Binary.run(
            "keytrail", ["products", "--keys-from", dir.file("keys.txt"), "--db", db, "--as-of", String(asOf)])
        #expect(batch.status == 0, "\(batch.stderr)")
        let lines = batch.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == keys.count)
        for (key, line) in zip(keys, lines) {
            let single = try json(
                try Binary.run("keytrail", ["products", key, "--db", db, "--as-of", String(asOf)]).stdout)
            let fromBatch = try json(line)
            #expect(fromBatch["AccessKeyId"] as? String == key)
            let want = model.products(key, asOf: asOf)
            for body in [single, fromBatch] {
                let got = try #require(body["Products"] as? [[String: Any]])
                #expect(got.map { $0["ServiceName"] as? String } == want.map(\.service), "\(key)")
                #expect(got.map { $0["UsedTimestamp"] as? Int64 } == want.map(\.timestamp), "\(key)")
                #expect(
                    got.map { $0["Detail"] as? String } == want.map { String(decoding: $0.detail, as: UTF8.self) },
                    "\(key)")
            }
        }
    }

    @Test func invalidKeyIsAnApiErrorWithExitOne() throws {
        let dir = TemporaryDirectory()
        // Checked before the index is opened: no index needed.
        for key in ["", "has space", String(repeating: "K", count: 129)] {
            let r = try Binary.run("keytrail", ["products", key, "--db", dir.file("none.sqlite")])
            #expect(r.status == 1)
            let body = try json(r.stdout)
            #expect(body["Code"] as? String == "InvalidQueryParameter")
            #expect(r.stderr.contains("InvalidQueryParameter"))
        }
    }

    @Test func usageErrorsAndMissingIndexExitTwo() throws {
        let dir = TemporaryDirectory()
        let missingKey = try Binary.run("keytrail", ["products", "--db", dir.file("k.sqlite")])
        #expect(missingKey.status == 2 && missingKey.stdout.isEmpty)
        let unknown = try Binary.run("keytrail", ["products", "K", "--bogus"])
        #expect(unknown.status == 2)
        let noIndex = try Binary.run("keytrail", ["products", "LTAI5tX", "--db", dir.file("k.sqlite")])
        #expect(noIndex.status == 2 && noIndex.stderr.contains("keytrail ingest"))
        let badPage = try Binary.run("keytrail", ["products", "K", "--window-days", "-1"])
        #expect(badPage.status == 2)
        let env = try Binary.run(
            "keytrail", ["products", "LTAI5tX"], environment: ["KEYTRAIL_DB": dir.file("env.sqlite")])
        #expect(env.stderr.contains(dir.file("env.sqlite")))
    }

    /// `--as-of`, `--until` and `serve --as-of` read TIME with the one parser: the same forms
    /// and the same year range (0000–9999), refused before anything is opened.
    @Test(arguments: ["253402300800000", "-62167219200001", "10000-01-01T00:00:00Z", "2026-13-01T00:00:00Z", "soon"])
    func everyTimeOptionRefusesTheSameText(_ text: String) throws {
        let dir = TemporaryDirectory()
        let db = dir.file("k.sqlite")
        let asOf = try Binary.run("keytrail", ["products", "K", "--db", db, "--as-of", text])
        #expect(asOf.status == 2 && asOf.stderr.contains("--as-of must be"), "\(asOf.stderr)")
        let until = try Binary.run("keytrail", ["ingest", "--db", db, "--until", text, dir.path])
        #expect(until.status == 2 && until.stderr.contains("--until must be"), "\(until.stderr)")
        let serve = try Binary.run("keytrail", ["serve", "--db", db, "--no-auth", "--as-of", text])
        #expect(serve.status == 2 && serve.stderr.contains("--as-of must be"), "\(serve.stderr)")
        #expect(!FileManager.default.fileExists(atPath: db))
    }

    @Test func asOfBeforeIndexedEventsIsRefused() throws {
        let dir = TemporaryDirectory()
        let db = try ingestSamples(dir)
        let r = try Binary.run("keytrail", ["products", Self.sampleKey, "--db", db, "--as-of", "2026-01-01T00:00:00Z"])
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("keytrail: error:") && r.stderr.contains("keytrail ingest --db NEW --until"))
        // A point-in-time index answers it.
        let pit = dir.file("pit.sqlite")
        #expect(
            try Binary.run("keytrail", ["ingest", "--db", pit, "--until", "2026-01-01T00:00:00Z", samples]).status == 0)
        let ok = try Binary.run(
            "keytrail", ["products", Self.sampleKey, "--db", pit, "--as-of", "2026-01-01T00:00:00Z"])
        #expect(ok.status == 0)
        let products = try #require(try json(ok.stdout)["Products"] as? [[String: Any]])
        #expect(products.allSatisfy { ($0["UsedTimestamp"] as? Int64 ?? .max) <= 1_767_225_600_000 })
    }

    @Test func tableAndHiddenNote() throws {
        let dir = TemporaryDirectory()
        let db = try ingestSamples(dir)
        let t = try Binary.run(
            "keytrail", ["products", Self.sampleKey, "--db", db, "--as-of", "latest", "--format", "table"])
        #expect(t.status == 0)
        #expect(t.stdout.hasPrefix("ServiceName  ") && t.stdout.contains("  LastUsed  "))
        #expect(t.stdout.contains("Elastic Compute Service"))
        let far = try Binary.run(
            "keytrail", ["products", Self.sampleKey, "--db", db, "--as-of", "2040-01-01T00:00:00Z"])
        #expect(far.status == 0)
        #expect(far.stderr.contains("keytrail: note:"))
        #expect((try json(far.stdout)["Products"] as? [Any])?.isEmpty == true)
    }

    @Test func keysFromMarksInvalidKeysAndExitsOne() throws {
        let dir = TemporaryDirectory()
        let db = try ingestSamples(dir)
        let r = try Binary.run(
            "keytrail", ["products", "--keys-from", "-", "--db", db, "--as-of", "latest"],
            stdin: Array("\(Self.sampleKey)\n\nbad key\r\nLTAI5tNEVER\n".utf8))
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n").map { try? json(String($0)) }
        #expect(lines.count == 3)
        #expect(lines[1]?["Code"] as? String == "InvalidQueryParameter")
        #expect(lines[1]?["AccessKeyId"] as? String == "bad key")
        #expect((lines[2]?["Products"] as? [Any])?.isEmpty == true)
    }

    @Test func rejectedInputExitsThreeAndJsonListsIt() throws {
        let dir = TemporaryDirectory()
        try dir.write(
            "in/good.json",
            "[{\"eventId\":\"A\",\"serviceName\":\"Ecs\",\"userIdentity\":{\"accessKeyId\":\"K\"},\"eventTime\":\"2024-05-01T00:00:00Z\"}]"
        )
        try dir.write("in/bad.json", "[{\"eventId\":\"A\",}]")
        let r = try Binary.run("keytrail", ["ingest", "--json", "--db", dir.file("k.sqlite"), dir.file("in")])
        #expect(r.status == 3)
        #expect(r.stderr.contains(dir.file("in/bad.json") + ":1:17: error:"))
        let report = try json(r.stdout)
        let rejections = try #require(report["rejections"] as? [[String: Any]])
        #expect(rejections.count == 1)
        #expect(rejections.first?["kind"] as? String == "json")
        #expect(rejections.first?["line"] as? Int == 1 && rejections.first?["column"] as? Int == 17)
        #expect((report["files"] as? [String: Any])?["rejected"] as? Int == 1)
        // Nothing already indexed is lost; the good file answers.
        let q = try Binary.run("keytrail", ["products", "K", "--db", dir.file("k.sqlite"), "--as-of", "latest"])
        #expect((try json(q.stdout)["Products"] as? [Any])?.count == 1)
    }
}

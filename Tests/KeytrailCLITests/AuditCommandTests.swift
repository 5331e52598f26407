import Foundation
import TestSupport
import Testing

/// `keytrail info|events|ips|resources|keys` through the real binary on sample-logs.
@Suite("Audit commands")
struct AuditCommandTests {
    static let key = CommandLineTests.sampleKey
    var samples: String { SampleLogs.path }

    func index(_ dir: TemporaryDirectory) throws -> String { try SampleLogs.index(dir) }

    @Test func infoAndListingsPageWithTokensTheCommandLineHandsOut() throws {
        let dir = TemporaryDirectory()
        let db = try index(dir)
        let info = try Binary.run("keytrail", ["info", Self.key, "--db", db, "--as-of", "latest"])
        #expect(info.status == 0, "\(info.stderr)")
        let body = try json(info.stdout)
        #expect(body["AccessKeyId"] as? String == Self.key)
        #expect(body["ServiceName"] as? String == "Ecs")
        #expect(body["UsedTimestamp"] as? Int64 == 1_793_491_200_000)
        #expect((body["AccountType"] as? String)?.isEmpty == false)
        for (command, list) in [("events", "Events"), ("ips", "Ips"), ("resources", "Resources")] {
            let all = try json(
                Binary.run("keytrail", [command, Self.key, "--service", "Ecs", "--db", db, "--as-of", "latest"]).stdout)
            let want = try #require(all[list] as? [[String: Any]])
            #expect(want.count >= 2, "\(command)")
            var got: [[String: Any]] = []
            var token = ""
            repeat {
                var args = [command, Self.key, "--service", "Ecs", "--db", db, "--as-of", "latest", "--page-size", "1"]
                if !token.isEmpty { args += ["--next-token", token] }
                let r = try Binary.run("keytrail", args)
                #expect(r.status == 0, "\(r.stderr)")
                let page = try json(r.stdout)
                got += try #require(page[list] as? [[String: Any]])
                token = try #require(page["NextToken"] as? String)
            } while !token.isEmpty && got.count < 100
            #expect(got.count == want.count, "\(command)")
            #expect(got.map { $0["UsedTimestamp"] as? Int64 } == want.map { $0["UsedTimestamp"] as? Int64 })
        }
        // Usage and API errors.
        #expect(try Binary.run("keytrail", ["events", Self.key, "--db", db]).status == 2)
        let bad = try Binary.run("keytrail", ["ips", Self.key, "--service", "Ecs", "--db", db, "--page-size", "101"])
        let badBody = try json(bad.stdout)
        #expect(bad.status == 1 && badBody["Code"] as? String == "InvalidQueryParameter")
        let tampered = try Binary.run(
            "keytrail", ["ips", Self.key, "--service", "Ecs", "--db", db, "--next-token", "AAAA"])
        #expect(tampered.status == 1 && tampered.stderr.contains("NextToken"))
        let early = try Binary.run(
            "keytrail", ["events", Self.key, "--service", "Ecs", "--db", db, "--as-of", "2020-01-01T00:00:00Z"])
        #expect(early.status == 2 && early.stdout.isEmpty && early.stderr.contains("keytrail ingest --db NEW --until"))
    }

    @Test func keysListsEveryKeyAndChecksAnInventory() throws {
        let dir = TemporaryDirectory()
        let db = try index(dir)
        let all = try Binary.run("keytrail", ["keys", "--db", db, "--as-of", "latest", "--format", "json"])
        #expect(all.status == 0, "\(all.stderr)")
        let keys = try #require(try json(all.stdout)["Keys"] as? [[String: Any]])
        #expect(keys.count >= 3)
        let mine = try #require(keys.first { $0["AccessKeyId"] as? String == Self.key })
        #expect(mine["LastUsedTimestamp"] as? Int64 == 1_793_491_200_000)
        #expect((mine["Services"] as? Int ?? 0) > 3)
        // Idle filter: nothing was idle for 1,000 days; every key but the newest one idle for 0 days.
        let none = try json(
            Binary.run(
                "keytrail", ["keys", "--db", db, "--as-of", "latest", "--format", "json", "--unused-for", "1000"]
            )
            .stdout)
        #expect((none["Keys"] as? [Any])?.isEmpty == true)
        // An inventory in RAM's CSV shape, with a BOM, quoting and a key never seen.
        let inventory = dir.file("keys.csv")
        try Data(
            "\u{FEFF}UserName,\"AccessKey ID\",Status\r\nalice,\(Self.key),Active\r\nbob,\"LTAI5tNEVERSEEN000\",Inactive\r\n"
                .utf8
        ).write(to: URL(fileURLWithPath: inventory))
        let audit = try Binary.run(
            "keytrail", ["keys", "--db", db, "--as-of", "latest", "--inventory", inventory, "--format", "csv"])
        #expect(audit.status == 0, "\(audit.stderr)")
        let lines = audit.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("AccessKeyId,Status,") == true)
        #expect(lines.contains { $0.hasPrefix("LTAI5tNEVERSEEN000,never-seen,") })
        #expect(lines.contains { $0.hasPrefix("\(Self.key),active,") })
        #expect(lines.filter { $0.contains(",not-in-inventory,") }.count == keys.count - 1)
        // An as-of before the index's events is refused, as for every query.
        let early = try Binary.run("keytrail", ["keys", "--db", db, "--as-of", "2020-01-01T00:00:00Z"])
        #expect(early.status == 2 && early.stdout.isEmpty && early.stderr.contains("keytrail ingest --db NEW --until"))
        // A CSV without a key column is an error naming the file and line.
        let broken = dir.file("broken.csv")
        try Data("a,b\n1,2\n".utf8).write(to: URL(fileURLWithPath: broken))
        let r = try Binary.run("keytrail", ["keys", "--db", db, "--inventory", broken])
        #expect(r.status == 2 && r.stderr.contains("broken.csv:1:"))
    }

    @Test func aProductsOnlyIndexAnswersProductsAndInfoAndSaysSoForTheRest() throws {
        let dir = TemporaryDirectory()
        let db = dir.file("p.sqlite")
        let r = try Binary.run("keytrail", ["ingest", "--products-only", "--db", db, samples])
        #expect(r.status == 0, "\(r.stderr)")
        let full = try index(dir)
        for command in [["products", Self.key], ["info", Self.key]] {
            let a = try Binary.run("keytrail", command + ["--db", db, "--as-of", "latest"])
            let b = try Binary.run("keytrail", command + ["--db", full, "--as-of", "latest"])
            #expect(a.status == 0 && b.status == 0)
            var ja = try json(a.stdout)
            var jb = try json(b.stdout)
            ja["RequestId"] = nil
            jb["RequestId"] = nil
            #expect(NSDictionary(dictionary: ja).isEqual(to: jb), "\(command)")
        }
        let e = try Binary.run("keytrail", ["events", Self.key, "--service", "Ecs", "--db", db])
        #expect(e.status == 2 && e.stdout.isEmpty && e.stderr.contains("--products-only"))
        // The setting belongs to the index: a later ingest keeps it, a contrary request is refused.
        #expect(try Binary.run("keytrail", ["ingest", "--db", db, samples]).status == 0)
        #expect(try Binary.run("keytrail", ["events", Self.key, "--service", "Ecs", "--db", db]).status == 2)
        let contrary = try Binary.run("keytrail", ["ingest", "--products-only", "--db", full, samples])
        #expect(contrary.status == 2 && contrary.stderr.contains("--products-only"))
        let size = { (p: String) in (try? FileManager.default.attributesOfItem(atPath: p)[.size] as? Int) ?? 0 }
        #expect(size(db) < size(full))
    }
}
